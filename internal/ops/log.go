package ops

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
)

// Log formats accepted by --log-format.
const (
	LogText = "text"
	LogJSON = "json"
)

// LogFlags are the logging flags shared by the subcommands.
type LogFlags struct {
	// Format is LogText (human-readable key=value lines) or LogJSON (one JSON object a line).
	Format string
	// Verbose adds debug lines (one per request, per site finished, ...).
	Verbose bool
}

// AddLogFlags registers --log-format and -v/--verbose on fs.
func AddLogFlags(fs *flag.FlagSet) *LogFlags {
	lf := &LogFlags{}
	fs.StringVar(&lf.Format, "log-format", LogText, "log `format`: text (human-readable) or json (JSON lines)")
	fs.BoolVar(&lf.Verbose, "v", false, "verbose: debug lines, e.g. one per request")
	fs.BoolVar(&lf.Verbose, "verbose", false, "same as -v")
	return lf
}

// NewLogger returns a logger writing to w in the flags' format, at Info level (Debug when
// Verbose). It fails for an unknown format (a usage error).
func (lf *LogFlags) NewLogger(w io.Writer) (*slog.Logger, error) {
	format, verbose := LogText, false
	if lf != nil {
		format, verbose = lf.Format, lf.Verbose
	}
	return NewLogger(w, format, verbose)
}

// NewLogger returns a slog logger writing to w: text or JSON lines, Info level or Debug when
// verbose.
func NewLogger(w io.Writer, format string, verbose bool) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	switch format {
	case LogText, "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case LogJSON:
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: unknown format %q (want text or json)", format)
}
