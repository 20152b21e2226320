package provider

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// A file-backed create can die after the key file is in place but before
// Terraform saved the CA in state (kill -9, a 0-byte state, `state rm`).
// The key file records the certificate it was made for, so the next create
// of a CA with the same subject under the same parent adopts the key instead
// of failing on "Key file already exists": a plain re-apply recovers and the
// key that was made is kept.

// keyFilesWritten holds the key files this provider process wrote. One
// process serves a whole apply, so a create that finds a file another
// resource wrote moments ago is not recovering from a crash: two crank_ca
// resources name the same key_file, and adopting would give both CAs one
// key. That is refused instead.
var keyFilesWritten = struct {
	sync.Mutex
	paths map[string]bool
}{paths: map[string]bool{}}

func keyFileID(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// noteKeyFileWritten records that this process wrote the key file at p.
func noteKeyFileWritten(p string) {
	keyFilesWritten.Lock()
	defer keyFilesWritten.Unlock()
	keyFilesWritten.paths[keyFileID(p)] = true
}

func keyFileWrittenHere(p string) bool {
	keyFilesWritten.Lock()
	defer keyFilesWritten.Unlock()
	return keyFilesWritten.paths[keyFileID(p)]
}

// nextGenerationPath suggests a fresh key file name beside p.
func nextGenerationPath(p string) string {
	ext := filepath.Ext(p)
	return strings.TrimSuffix(p, ext) + "-2" + ext
}

// cleanKeyTemps removes temporary key files a killed run left beside p and
// says so: each holds a key anyone with the passphrase can decrypt.
func cleanKeyTemps(p string) diag.Diagnostics {
	var diags diag.Diagnostics
	removed, err := pki.CleanStaleKeyTemps(filepath.Dir(p))
	if err != nil || len(removed) == 0 {
		return diags
	}
	diags.AddAttributeWarning(path.Root("key_file"), "Removed leftover temporary key files",
		fmt.Sprintf("An earlier run was interrupted while writing a key file and left %s behind, each holding a decryptable key. crank removed them; no key file in use was touched.", strings.Join(removed, ", ")))
	return diags
}

// warnKeyFileMode warns when a key file can be read by group or others:
// the passphrase is then all that protects the CA key.
func warnKeyFileMode(p string) diag.Diagnostics {
	var diags diag.Diagnostics
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return diags
	}
	diags.AddAttributeWarning(path.Root("key_file"), "CA key file is readable by other users",
		fmt.Sprintf("%s has mode %#o: users other than its owner can read it and try passphrases offline. Restrict it with `chmod 600 %s` (crank writes key files with mode 0600).", p, st.Mode().Perm(), p))
	return diags
}

// adoption is what a create of a file-backed CA found at its key_file.
type adoption struct {
	key    crypto.Signer // the key to adopt; nil when the file does not exist
	record *x509.Certificate
}

// findAdoptableKey inspects an existing file at p for a new CA with subject
// and parent. It returns no key when the file does not exist, the key to
// adopt when the file records a CA of this subject under this parent, and
// an error saying exactly what to do otherwise. parentKnown is false at plan
// time when the parent is itself being created; the apply checks it then.
func findAdoptableKey(p, passphrase string, want *caModel, parent *x509.Certificate, parentKnown bool) (adoption, diag.Diagnostics) {
	var diags diag.Diagnostics
	if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
		return adoption{}, diags
	}
	records, err := pki.KeyFileCertificates(p)
	if err != nil {
		d, _ := keyFileDiag(err, path.Root("key_file"))
		if d == nil {
			d = diag.NewAttributeErrorDiagnostic(path.Root("key_file"), "Cannot read the existing key file", err.Error())
		}
		diags.Append(d)
		return adoption{}, diags
	}
	if len(records) == 0 {
		diags.AddAttributeError(path.Root("key_file"), "Key file already exists",
			fmt.Sprintf("%s exists but records no CA certificate (it was written by an older crank or by hand), so crank cannot tell whose key it is and never overwrites it. "+
				"If it is this CA's key and you have its certificate, take both over with `terraform import <address> 'key_file=%s,cert_pem=<certificate file>'`; otherwise choose a new key_file, for example %s.", p, p, nextGenerationPath(p)))
		return adoption{}, diags
	}
	rec := records[0]
	if keyFileWrittenHere(p) {
		diags.AddAttributeError(path.Root("key_file"), "Two CAs name the same key_file",
			fmt.Sprintf("%s was written moments ago in this same apply for the CA %q (certificate %s), so another crank_ca resource names the same key_file. "+
				"Adopting it would give two CAs one key. Give each crank_ca its own key_file, for example %s.", p, rec.Subject.String(), pki.FingerprintSHA256(rec), nextGenerationPath(p)))
		return adoption{}, diags
	}
	wantSubject := subjectName(want.Subject).String()
	var lineage []string
	if rec.Subject.String() != wantSubject {
		lineage = append(lineage, fmt.Sprintf("its subject is %q, this CA's is %q", rec.Subject.String(), wantSubject))
	}
	switch {
	case !parentKnown:
	case parent == nil && !selfSigned(rec):
		lineage = append(lineage, fmt.Sprintf("it was signed by %q, and this CA is a root", rec.Issuer.String()))
	case parent != nil && !bytes.Equal(rec.AuthorityKeyId, parent.SubjectKeyId):
		lineage = append(lineage, fmt.Sprintf("it was signed by %q (key %s), this CA's parent is %q (key %s)", rec.Issuer.String(), pki.HexID(rec.AuthorityKeyId), parent.Subject.String(), pki.HexID(parent.SubjectKeyId)))
	}
	if len(lineage) > 0 {
		diags.AddAttributeError(path.Root("key_file"), "Key file already exists and belongs to another CA",
			fmt.Sprintf("%s holds the key of the CA %q (certificate %s): %s. crank never overwrites a key file. "+
				"If this CA replaces that one, give it a new key_file (for example %s); the old CA's file is deleted when the old CA is destroyed. "+
				"If the old CA is gone for good, move %s away yourself first.", p, rec.Subject.String(), pki.FingerprintSHA256(rec), strings.Join(lineage, "; "), nextGenerationPath(p), p))
		return adoption{}, diags
	}
	key, err := pki.ReadKeyFile(p, passphrase, "")
	if err != nil {
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			diags.Append(d)
		} else {
			diags.AddAttributeError(path.Root("key_file"), "Cannot read the existing key file", err.Error())
		}
		return adoption{}, diags
	}
	if !pki.PublicKeysEqual(key.Public(), rec.PublicKey) {
		diags.AddAttributeError(path.Root("key_file"), "CA key file is damaged",
			fmt.Sprintf("The key in %s does not match the certificate recorded with it. Restore the file from backup, or choose a new key_file.", p))
		return adoption{}, diags
	}
	if alg, err := pki.AlgorithmOf(key.Public()); err == nil && knownString(want.KeyAlgorithm) && string(alg) != want.KeyAlgorithm.ValueString() {
		diags.AddAttributeError(path.Root("key_algorithm"), "Existing key file has another key type",
			fmt.Sprintf("%s holds a %s key left by an interrupted create of this CA, but key_algorithm is %s. Set key_algorithm = %q to adopt it, or choose a new key_file.", p, alg, want.KeyAlgorithm.ValueString(), alg))
		return adoption{}, diags
	}
	return adoption{key: key, record: rec}, diags
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

func diagAdopted(p string, rec *x509.Certificate) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("key_file"), "Adopted the existing CA key file",
		fmt.Sprintf("%s already held the key of a CA %q (certificate %s) that never reached state — an earlier apply was interrupted, the state was lost, or the CA was removed with `state rm`. "+
			"This CA keeps that key and gets a new certificate; the file now records it. If you did not expect this, the key may belong to a CA managed elsewhere: stop and check.", p, rec.Subject.String(), pki.FingerprintSHA256(rec)))
}
