//go:build !unix

package doc

import "os/exec"

// setProcessGroup is a no-op where process groups do not exist: cancellation kills the
// process itself (exec.CommandContext's default).
func setProcessGroup(cmd *exec.Cmd) {}
