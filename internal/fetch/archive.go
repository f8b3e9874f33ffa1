package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Archive stores bodies content-addressed: Dir/ab/cdef… where abcdef… is the hex SHA-256.
type Archive struct {
	// Dir is the archive root, e.g. data/archive.
	Dir string
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Path returns the file of a digest.
func (a *Archive) Path(sha string) string {
	if len(sha) < 3 {
		return filepath.Join(a.Dir, sha)
	}
	return filepath.Join(a.Dir, sha[:2], sha[2:])
}

// Put writes b unless a file with its digest exists, atomically (temp file then rename).
// It returns the digest and the file's path.
func (a *Archive) Put(b []byte) (sha, path string, err error) {
	sha = Sum(b)
	path = a.Path(sha)
	if _, err := os.Stat(path); err == nil {
		return sha, path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", "", fmt.Errorf("archive %s: %w", sha, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return "", "", fmt.Errorf("archive %s: %w", sha, err)
	}
	// No fsync: the rename makes the file appear whole or not at all, which is what a kill -9
	// needs; an fsync per response serialises on the file system journal (about 100 files/s
	// here) and would cap the crawl's rate. The database is not synchronous either.
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return "", "", fmt.Errorf("archive %s: write: %v %v", sha, werr, cerr)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", "", fmt.Errorf("archive %s: %w", sha, err)
	}
	return sha, path, nil
}

// Get reads the body of a digest.
func (a *Archive) Get(sha string) ([]byte, error) {
	b, err := os.ReadFile(a.Path(sha))
	if err != nil {
		return nil, fmt.Errorf("archive get %s: %w", sha, err)
	}
	return b, nil
}
