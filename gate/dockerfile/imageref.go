package dockerfile

import "strings"

// ImageRef is a parsed image reference. Registry is "docker.io" when the
// reference names none (RegistryExplicit false), so trusted-registry rules
// can treat "ubuntu" and "docker.io/library/ubuntu" alike.
type ImageRef struct {
	Raw              string
	Registry         string
	RegistryExplicit bool
	// Repository is the path as written ("ubuntu", "org/app"), without
	// the implicit "library/" prefix.
	Repository string
	Tag        string
	Digest     string
	// Scratch is the empty base image.
	Scratch bool
	// Unresolved is true when the reference still depends on a variable
	// with no known value; rules must not guess about it.
	Unresolved bool
}

// ParseImageRef splits a reference of the form
// [registry[:port]/]path[:tag][@digest]. It never fails: an unusual
// reference is returned with as much as could be recognised.
func ParseImageRef(s string) ImageRef {
	r := ImageRef{Raw: s, Registry: "docker.io"}
	if strings.ContainsAny(s, "$") || s == "" {
		r.Unresolved = true
	}
	if strings.EqualFold(s, "scratch") {
		r.Scratch = true
		r.Repository = "scratch"
		r.Registry = ""
		return r
	}
	rest := s
	if at := strings.Index(rest, "@"); at >= 0 {
		r.Digest = rest[at+1:]
		rest = rest[:at]
	}
	if slash := strings.Index(rest, "/"); slash >= 0 {
		first := rest[:slash]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			r.Registry = strings.ToLower(first)
			r.RegistryExplicit = true
			rest = rest[slash+1:]
		}
	}
	lastSlash := strings.LastIndex(rest, "/")
	if colon := strings.LastIndex(rest, ":"); colon > lastSlash {
		r.Tag = rest[colon+1:]
		rest = rest[:colon]
	}
	r.Repository = rest
	return r
}

// Name is registry plus repository, the part trust rules match against,
// with Docker Hub's implicit "library/" made explicit.
func (r ImageRef) Name() string {
	if r.Scratch {
		return "scratch"
	}
	repo := r.Repository
	if r.Registry == "docker.io" && !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	return r.Registry + "/" + repo
}
