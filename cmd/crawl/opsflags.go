package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ogireports/ogireports/internal/ops"
)

// flagOptions returns every flag of fs with its value, for the run history.
func flagOptions(fs *flag.FlagSet) map[string]string {
	m := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { m[f.Name] = f.Value.String() })
	return m
}

// lockStore takes the run lock of the database at db. When another run holds it, it prints a
// clear message and returns nil and ops.ExitRunning; on another failure nil and ops.ExitFatal.
func lockStore(db, what string, stderr io.Writer) (*ops.Lock, int) {
	lk, err := ops.Acquire(db, what)
	if errors.Is(err, ops.ErrLocked) {
		fmt.Fprintf(stderr, "%s: another run is using %s, exiting (exit status %d): %v\n", what, db, ops.ExitRunning, err)
		return nil, ops.ExitRunning
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", what, err)
		return nil, ops.ExitFatal
	}
	return lk, ops.ExitOK
}

// parseWithLog parses args into fs, which must have ops log flags registered as lf, and returns
// the logger; code is non-negative when the command must exit with it (help, usage error).
func parseWithLog(fs *flag.FlagSet, lf *ops.LogFlags, args []string, stderr io.Writer) (log *slog.Logger, code int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ops.ExitOK
		}
		return nil, ops.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return nil, ops.ExitUsage
	}
	log, err := lf.NewLogger(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return nil, ops.ExitUsage
	}
	return log, -1
}

// signalContext is cancelled by SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
