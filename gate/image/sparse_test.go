package image

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// rawHeader is a ustar header block built by hand: archive/tar's writer
// will not write PAX sparse records, which is exactly what a hostile
// layer holds.
func rawHeader(name string, typeflag byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:108], "0000644\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	copy(b[136:148], "00000000000\x00")
	b[156] = typeflag
	copy(b[257:265], "ustar\x0000")
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func pad(b []byte) []byte { return append(b, make([]byte, (512-len(b)%512)%512)...) }

// sparseLayer is a layer with one GNU sparse 1.0 file (PAX records) whose
// logical size is 1 TiB and which stores no data: read naively it is a
// terabyte of zeros out of a few kilobytes.
func sparseLayer() []byte {
	var recs string
	for _, kv := range [][2]string{{"GNU.sparse.major", "1"}, {"GNU.sparse.minor", "0"}, {"GNU.sparse.name", "huge"}, {"GNU.sparse.realsize", "1099511627776"}} {
		r := " " + kv[0] + "=" + kv[1] + "\n"
		n := len(r) + 2
		if len(fmt.Sprint(n)) > 2 {
			n++
		}
		recs += fmt.Sprint(n) + r
	}
	sparseMap := pad([]byte("1\n1099511627776\n0\n"))
	var b bytes.Buffer
	b.Write(rawHeader("PaxHeaders/huge", 'x', int64(len(recs))))
	b.Write(pad([]byte(recs)))
	b.Write(rawHeader("GNUSparseFile.0/huge", '0', int64(len(sparseMap))))
	b.Write(sparseMap)
	b.Write(make([]byte, 1024))
	return b.Bytes()
}

// TestSparseEntryCountsItsLogicalSize: a sparse entry's holes count
// against the layer budget, so a terabyte hole ends the scan at once
// instead of being read as zeros.
func TestSparseEntryCountsItsLogicalSize(t *testing.T) {
	src, err := openOCI(ociFiles(sparseLayer()), "sparse", "", linuxAMD64, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), src.Image, Options{Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "max-layer-bytes") {
		t.Fatalf("got %v, want the layer budget", err)
	}
}
