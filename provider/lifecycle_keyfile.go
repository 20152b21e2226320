package provider

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Key storage modes of crank_ca.
const (
	keyStorageState = "state"
	keyStorageFile  = "file"
)

func keyStorages() []string { return []string{keyStorageState, keyStorageFile, keyStoragePKCS11} }

func envPassphrase() string { return os.Getenv(pki.KeyPassphraseEnv) }

// keyFileDiag turns a key file failure into a diagnostic that says what is
// wrong with which file and how to fix it; ok is false for other errors.
func keyFileDiag(err error, attr path.Path) (diag.Diagnostic, bool) {
	env := pki.KeyPassphraseEnv
	var summary, fix string
	switch {
	case errors.Is(err, pki.ErrKeyFileMissing):
		summary = "CA key file not found"
		fix = "The CA's private key is kept outside state in this file, so signing needs it. Run from a directory where the path resolves (relative paths are relative to the working directory), or restore the file from your backup or secret store. If the key is lost, the CA must be replaced: taint or recreate the crank_ca and re-issue what it signed."
	case errors.Is(err, pki.ErrKeyFileWrongPass):
		summary = "Wrong passphrase for the CA key file"
		fix = fmt.Sprintf("Set %s to the passphrase the key file was created with (key_passphrase_wo or %s at the time the crank_ca was created). If you are sure the passphrase is right, the file is damaged: restore it from backup.", env, env)
	case errors.Is(err, pki.ErrNoPassphrase):
		summary = "No passphrase for the CA key file"
		fix = fmt.Sprintf("Export %s with the key file's passphrase before running plan or apply. A write-only key_passphrase_wo is only seen by the crank_ca itself while it is created; resources signed by the CA (certificates, child CAs, CRLs) read the key with %s.", env, env)
	case errors.Is(err, pki.ErrKeyFileCorrupt):
		summary = "CA key file is damaged"
		fix = "The file is not the encrypted PKCS#8 key crank wrote (check it with `openssl pkey -in FILE -noout`). Restore it from backup; a damaged key cannot be repaired."
	case errors.Is(err, pki.ErrKeyFileWrongKey):
		summary = "Key file belongs to a different CA"
		fix = "key_file points at a key that does not match this CA's certificate (compare the fingerprints above). Point key_file at this CA's own key file, or restore the right file at this path."
	case errors.Is(err, pki.ErrKeyFileExists):
		summary = "Key file already exists"
		fix = "crank never overwrites a key file, which may hold another CA's key. Choose a new key_file path (for example one per CA generation, `keys/intermediate-2.key`) or move the old file away if it is no longer needed."
	case errors.Is(err, pki.ErrPassphraseTooShort):
		summary = "Key passphrase too short"
		fix = fmt.Sprintf("Use a passphrase of at least %d characters in key_passphrase_wo or %s.", pki.MinPassphraseLength, env)
	default:
		return nil, false
	}
	return diag.NewAttributeErrorDiagnostic(attr, summary, err.Error()+". "+fix), true
}
