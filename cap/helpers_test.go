package cap

import (
	"net/http"
	"net/http/httptest"
)

func newRequest(method, path string) (*http.Request, *httptest.ResponseRecorder) {
	return httptest.NewRequest(method, path, nil), httptest.NewRecorder()
}
