package doc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
)

// MaxToolOutputBytes caps what a tool may write (a converted file or a text dump).
var MaxToolOutputBytes = 256 << 20

// filters maps an output format of Convert to the LibreOffice export filter.
var filters = map[string]string{
	"docx": "docx:MS Word 2007 XML",
	"doc":  "doc:MS Word 97",
	"pdf":  "pdf:writer_pdf_Export",
	"odt":  "odt:writer8",
}

// infilters forces LibreOffice's import filter by input extension: HTML as a Writer document
// (Writer/Web cannot export DOC), and Word only for DOC/WPS, so that a damaged file fails instead
// of being imported as plain text by LibreOffice's fallback detection.
var infilters = map[string]string{
	"html": "HTML (StarWriter)",
	"htm":  "HTML (StarWriter)",
	"doc":  "MS Word 97",
	"wps":  "MS Word 97",
	"rtf":  "Rich Text Format",
}

// profiles is the pool of idle LibreOffice user profiles; slots bounds concurrent soffice runs.
var (
	profiles = make(chan string, 64)
	slots    = make(chan struct{}, max(1, runtime.NumCPU()))
)

// Convert converts a document with LibreOffice: data is written as input.<inExt> ("doc",
// "wps", "rtf", "html", "docx", ...) into a fresh temporary folder and converted to format
// ("docx", "doc", "pdf" or "odt"); HTML is imported as a Writer document (not Writer/Web) so
// that every format can be exported. Each run uses a user profile of its own, taken from a pool
// (a profile is never shared by two running conversions) and discarded when the run fails.
// At most runtime.NumCPU() conversions run at once; others wait. The run is bounded by timeout
// (DefaultTimeout if 0) and ctx: on expiry the whole soffice process group is killed. Errors:
// ErrNoTool (wrapped) without soffice; the tool's output otherwise.
func Convert(ctx context.Context, data []byte, inExt, format string, timeout time.Duration) ([]byte, error) {
	filter, ok := filters[format]
	if !ok {
		return nil, fmt.Errorf("libreoffice convert: unsupported output format %q", format)
	}
	bin, err := exec.LookPath("soffice")
	if err != nil {
		return nil, fmt.Errorf("libreoffice convert: soffice: %w", ErrNoTool)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("libreoffice convert: waiting for a slot: %w", ctx.Err())
	}
	defer func() { <-slots }()
	dir, err := os.MkdirTemp("", "ogireports-soffice-*")
	if err != nil {
		return nil, fmt.Errorf("libreoffice convert: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "input."+strings.TrimPrefix(inExt, "."))
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("libreoffice convert: %w", err)
	}
	outDir := filepath.Join(dir, "out")
	prof, err := acquireProfile()
	if err != nil {
		return nil, fmt.Errorf("libreoffice convert: %w", err)
	}
	args := []string{"--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
		"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: prof}).String()}
	if f, ok := infilters[strings.ToLower(inExt)]; ok {
		args = append(args, "--infilter="+f)
	}
	args = append(args, "--convert-to", filter, "--outdir", outDir, in)
	stdout, err := runCmd(ctx, timeout, bin, args...)
	out := filepath.Join(outDir, "input."+format)
	if err == nil {
		var b []byte
		if b, err = readCapped(out); err == nil {
			releaseProfile(prof)
			return b, nil
		}
		err = fmt.Errorf("soffice wrote no output: the file is damaged or not in the input format (soffice said %q): %w", strings.TrimSpace(string(stdout)), err)
	}
	discardProfile(prof)
	return nil, fmt.Errorf("libreoffice convert %s to %s: %w", inExt, format, err)
}

// RemoveProfiles deletes the idle pooled LibreOffice profiles (call it before a process ends,
// e.g. from TestMain; profiles in use are deleted when their conversion fails or left in the
// temporary folder otherwise).
func RemoveProfiles() {
	for {
		select {
		case p := <-profiles:
			os.RemoveAll(p)
		default:
			return
		}
	}
}

func acquireProfile() (string, error) {
	select {
	case p := <-profiles:
		return p, nil
	default:
	}
	p, err := os.MkdirTemp("", "ogireports-lo-profile-*")
	if err != nil {
		return "", fmt.Errorf("create LibreOffice profile: %w", err)
	}
	return p, nil
}

func releaseProfile(p string) {
	select {
	case profiles <- p:
	default:
		os.RemoveAll(p)
	}
}

func discardProfile(p string) { os.RemoveAll(p) }

// readCapped reads a file of at most MaxToolOutputBytes.
func readCapped(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > int64(MaxToolOutputBytes) {
		return nil, fmt.Errorf("%s: %d bytes: %w", filepath.Base(name), st.Size(), extract.ErrTooLarge)
	}
	return os.ReadFile(name)
}

// runTool writes data to a temporary file named name and runs tool on it, returning its
// standard output.
func runTool(ctx context.Context, timeout time.Duration, data []byte, name, tool string, args ...string) ([]byte, error) {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tool, ErrNoTool)
	}
	dir, err := os.MkdirTemp("", "ogireports-"+tool+"-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, name)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	return runCmd(ctx, timeout, bin, append(args, in)...)
}

// cappedBuffer is a bytes.Buffer that fails once more than limit bytes are written.
type cappedBuffer struct {
	bytes.Buffer
	limit int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.Len()+len(p) > c.limit {
		return 0, fmt.Errorf("tool output over %d bytes: %w", c.limit, extract.ErrTooLarge)
	}
	return c.Buffer.Write(p)
}

// runCmd runs a command in its own process group, killing the group on timeout or
// cancellation, and returns its standard output. A non-zero exit is an error carrying the
// first line of standard error.
func runCmd(ctx context.Context, timeout time.Duration, bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	stdout := &cappedBuffer{limit: MaxToolOutputBytes}
	stderr := &cappedBuffer{limit: 1 << 20}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s killed after %s: %w", filepath.Base(bin), timeout, ctx.Err())
		}
		return nil, ctx.Err()
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("%s: %w (%s)", filepath.Base(bin), err, msg)
	}
	return stdout.Bytes(), nil
}
