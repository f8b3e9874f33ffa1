package ops

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrLocked is returned (wrapped) by Acquire when another process holds the store's lock.
var ErrLocked = errors.New("another run holds the lock")

// Lock is an exclusive advisory lock (flock) on a file beside the database. The kernel releases
// it when the process exits in any way (crash, SIGKILL, reboot), so a dead run never leaves
// the store locked, and no PID-file staleness check is needed.
type Lock struct {
	f    *os.File
	path string
}

// LockPath returns the lock file of the database at dbPath: dbPath + ".lock".
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock of the database at dbPath without waiting. When another process holds
// it the error wraps ErrLocked and says what that process wrote in the file (its pid, command
// and start time). what names the run for that message.
func Acquire(dbPath, what string) (*Lock, error) {
	path := LockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if holder != "" {
				return nil, fmt.Errorf("lock %s: %w (%s)", path, ErrLocked, holder)
			}
			return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Informational only: the lock is the flock, not the file's content.
	info := fmt.Sprintf("pid %d, %s, since %s", os.Getpid(), what, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info+"\n"), 0)
	}
	return &Lock{f: f, path: path}, nil
}

func readHolder(f *os.File) string {
	b := make([]byte, 256)
	n, _ := f.ReadAt(b, 0)
	return strings.TrimSpace(string(b[:n]))
}

// Path returns the lock file's path.
func (l *Lock) Path() string { return l.path }

// Release releases the lock. The file stays (removing it would race with a process that has
// just opened it); its content is cleared.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}
