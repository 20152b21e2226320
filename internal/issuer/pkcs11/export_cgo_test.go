//go:build cgo

package pkcs11

// LogOutAll closes every cached login, so a test sees what a fresh
// provider process sees.
func LogOutAll() {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	for k, c := range contexts {
		_ = c.ctx.Close()
		delete(contexts, k)
	}
}
