//go:build unix

package doc

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own and makes cancellation kill the
// whole group (soffice forks soffice.bin, which would survive a kill of the parent alone).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
