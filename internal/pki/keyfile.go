package pki

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/youmark/pkcs8"
)

// A file-backed CA key is an encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY",
// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC), the format
// `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes and every TLS stack reads.

// KeyPassphraseEnv names the environment variable that supplies the
// passphrase wherever the key is read after creation.
const KeyPassphraseEnv = "CRANK_KEY_PASSPHRASE"

// MinPassphraseLength keeps trivially guessable passphrases out; the file
// may end up on shared disks and in backups.
const MinPassphraseLength = 8

// keyFileIterations follows OWASP's PBKDF2-HMAC-SHA256 guidance.
const keyFileIterations = 600_000

// Key file failures, each wrapped with the path so callers can pick the
// diagnostic and users see which file is meant.
var (
	ErrKeyFileMissing     = errors.New("key file does not exist")
	ErrKeyFileExists      = errors.New("key file already exists")
	ErrKeyFileCorrupt     = errors.New("key file is not an encrypted PKCS#8 private key")
	ErrKeyFileWrongPass   = errors.New("key file could not be decrypted with the passphrase")
	ErrKeyFileWrongKey    = errors.New("key file holds a different key than this CA's")
	ErrNoPassphrase       = errors.New("no passphrase for the key file")
	ErrPassphraseTooShort = fmt.Errorf("passphrase is shorter than %d characters", MinPassphraseLength)
)

// CheckPassphrase rejects passphrases too weak to protect a CA key.
func CheckPassphrase(p string) error {
	if p == "" {
		return ErrNoPassphrase
	}
	if len(p) < MinPassphraseLength {
		return ErrPassphraseTooShort
	}
	return nil
}

// EncryptPrivateKeyPEM encrypts key as a PKCS#8 "ENCRYPTED PRIVATE KEY" block.
func EncryptPrivateKeyPEM(key crypto.Signer, passphrase string) ([]byte, error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, err
	}
	der, err := pkcs8.MarshalPrivateKey(key, []byte(passphrase), &pkcs8.Opts{
		Cipher:  pkcs8.AES256CBC,
		KDFOpts: pkcs8.PBKDF2Opts{SaltSize: 16, IterationCount: keyFileIterations, HMACHash: crypto.SHA256},
	})
	if err != nil {
		return nil, fmt.Errorf("encrypting private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}), nil
}

// DecryptPrivateKeyPEM reverses EncryptPrivateKeyPEM, telling a damaged file
// apart from a wrong passphrase as far as the format allows.
func DecryptPrivateKeyPEM(data []byte, passphrase string) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "ENCRYPTED PRIVATE KEY" {
		return nil, fmt.Errorf("%w: no PEM \"ENCRYPTED PRIVATE KEY\" block", ErrKeyFileCorrupt)
	}
	var outer struct {
		Algo struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		Data []byte
	}
	if rest, err := asn1.Unmarshal(block.Bytes, &outer); err != nil || len(rest) != 0 || len(outer.Data) == 0 {
		return nil, fmt.Errorf("%w: the encrypted key structure is damaged", ErrKeyFileCorrupt)
	}
	if passphrase == "" {
		return nil, ErrNoPassphrase
	}
	k, _, err := pkcs8.ParsePrivateKey(block.Bytes, []byte(passphrase))
	if err != nil {
		// AES-CBC gives no integrity: a wrong passphrase and damaged
		// ciphertext look the same, and the first is far more likely.
		return nil, ErrKeyFileWrongPass
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: key type %T cannot sign", ErrKeyFileCorrupt, k)
	}
	return s, nil
}

// WriteKeyFile stores key encrypted at path with mode 0600; see WriteKeyFileRecord.
func WriteKeyFile(path string, key crypto.Signer, passphrase string) error {
	return WriteKeyFileRecord(path, key, passphrase, nil)
}

// WriteKeyFileRecord stores key encrypted at path with mode 0600, followed by
// the certificates of the CA it belongs to (public, as PEM "CERTIFICATE"
// blocks that openssl skips when it reads the key). The record is what lets
// a create interrupted after this write adopt the key on the next run
// instead of locking the user out.
//
// It never replaces an existing file, and a failure leaves nothing behind:
// the key is written to a temporary file in the same directory, synced, and
// then hard-linked into place, which is atomic and fails if path exists.
// The temporary file is locked while it is written, so CleanStaleKeyTemps
// can tell a dead writer's leftovers from a live writer's work.
func WriteKeyFileRecord(path string, key crypto.Signer, passphrase string, certs []*x509.Certificate) error {
	data, err := keyFileBytes(key, passphrase, certs)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%w: %s", ErrKeyFileExists, path)
	}
	return writeViaTemp(path, data, func(tmpName string) error {
		if err := os.Link(tmpName, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%w: %s", ErrKeyFileExists, path)
			}
			return fmt.Errorf("moving the key file into place at %s: %w", path, err)
		}
		Fault("ca-key-linked")
		return nil
	})
}

// RewriteKeyFileRecord atomically replaces the file at path with key and a
// new certificate record: used when an adopted key gets a new certificate,
// so the file always names the CA that currently owns it.
func RewriteKeyFileRecord(path string, key crypto.Signer, passphrase string, certs []*x509.Certificate) error {
	data, err := keyFileBytes(key, passphrase, certs)
	if err != nil {
		return err
	}
	return writeViaTemp(path, data, func(tmpName string) error {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("replacing the key file %s: %w", path, err)
		}
		return nil
	})
}

func keyFileBytes(key crypto.Signer, passphrase string, certs []*x509.Certificate) ([]byte, error) {
	data, err := EncryptPrivateKeyPEM(key, passphrase)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return data, nil
}

// keyTempPrefix names the temporary files key writes go through.
const keyTempPrefix = ".crank-key-"

func writeViaTemp(path string, data []byte, commit func(tmpName string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, keyTempPrefix+"*")
	if err != nil {
		return fmt.Errorf("creating the key file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	defer tmp.Close()
	// Held until the file is closed or the process dies; the kernel drops
	// it on SIGKILL, which is how a later run knows the writer is gone.
	if err := lockExclusive(tmp); err != nil {
		return fmt.Errorf("locking %s: %w", tmpName, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmpName, err)
	}
	Fault("ca-key-temp-written")
	if err := commit(tmpName); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// CleanStaleKeyTemps removes the temporary key files in dir that no live
// writer holds: leftovers of a killed run, each holding a key that anyone
// with the passphrase can decrypt. It returns the paths it removed.
func CleanStaleKeyTemps(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, keyTempPrefix+"*"))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, m := range matches {
		f, err := openNoFollow(m)
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			continue
		}
		if lockExclusive(f) != nil {
			f.Close() // a writer is at work
			continue
		}
		rmErr := os.Remove(m)
		f.Close()
		if rmErr == nil {
			removed = append(removed, m)
		}
	}
	return removed, nil
}

// KeyFileCertificates returns the certificate record of a key file (the CA
// the key was made for first, then its parents); empty for files written
// before the record existed. It needs no passphrase.
func KeyFileCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrKeyFileMissing, path)
		}
		return nil, fmt.Errorf("reading key file %s: %w", path, err)
	}
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return certs, nil
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: its certificate record is damaged (%s): %v", ErrKeyFileCorrupt, path, err)
		}
		certs = append(certs, c)
	}
}

// ReadKeyFile loads the key at path and checks it is the key with the given
// public key fingerprint (PublicKeyFingerprint), so a file of another CA is
// refused before anything is signed with it.
func ReadKeyFile(path, passphrase, wantFingerprint string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrKeyFileMissing, path)
		}
		return nil, fmt.Errorf("reading key file %s: %w", path, err)
	}
	key, err := decryptCached(data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	if wantFingerprint != "" {
		got, err := PublicKeyFingerprint(key.Public())
		if err != nil {
			return nil, err
		}
		if got != wantFingerprint {
			return nil, fmt.Errorf("%w: %s holds the key %s, the CA's is %s", ErrKeyFileWrongKey, path, got, wantFingerprint)
		}
	}
	return key, nil
}

// decrypted caches keys by file contents and passphrase: a plan checks every
// certificate against its issuer, and a deliberately slow KDF per
// certificate would dominate plan time.
var decrypted sync.Map

func decryptCached(data []byte, passphrase string) (crypto.Signer, error) {
	h := sha256.New()
	h.Write(data)
	h.Write([]byte{0})
	h.Write([]byte(passphrase))
	id := string(h.Sum(nil))
	if k, ok := decrypted.Load(id); ok {
		return k.(crypto.Signer), nil
	}
	key, err := DecryptPrivateKeyPEM(data, passphrase)
	if err != nil {
		return nil, err
	}
	decrypted.Store(id, key)
	return key, nil
}
