package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Finding "/readyz says ready on a database that cannot be written": trots
// serve started on a read-only SQLite file (or one in a read-only folder),
// said it was ready and then failed every answer. It now refuses to start
// and names the file.
func TestServeRefusesADatabaseItCannotWrite(t *testing.T) {
	for _, tc := range []struct {
		name     string
		readOnly func(t *testing.T, dir, db string)
	}{
		{"read-only file", func(t *testing.T, dir, db string) { mustDo(t, os.Chmod(db, 0o444)) }},
		{"read-only folder", func(t *testing.T, dir, db string) { mustDo(t, os.Chmod(dir, 0o555)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "trots.db")
			seedPulse(t, db, 2) // a database of the current schema, with its key file
			bin := asUnprivileged(t, dir)
			tc.readOnly(t, dir, db)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })

			cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
			cmd.Env = append(os.Environ(), asBinaryEnv+"=1")
			if os.Geteuid() == 0 {
				// root writes any file: run as nobody, for whom the
				// permissions hold.
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
			}
			var stderr syncBuffer
			cmd.Stderr = &stderr
			cmd.Stdout = io.Discard
			mustDo(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatalf("trots serve exited 0 on a database it cannot write; stderr:\n%s", stderr.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("trots serve started on a database it cannot write; stderr:\n%s", stderr.String())
			}
			msg := stderr.String()
			if !strings.Contains(msg, db) || !strings.Contains(msg, "cannot be written") {
				t.Fatalf("the refusal does not name the file and the reason:\n%s", msg)
			}
		})
	}
}

// nobody is the uid and gid the tests drop to when they run as root.
const nobody = 65534

// asUnprivileged prepares dir (and, as root, a copy of the test binary)
// for a trots process run as nobody, and returns the binary to run: the
// build folder of the test binary is root's alone.
func asUnprivileged(t *testing.T, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return os.Args[0]
	}
	bin := filepath.Join(t.TempDir(), "trots")
	src, err := os.ReadFile(os.Args[0])
	mustDo(t, err)
	mustDo(t, os.WriteFile(bin, src, 0o755))
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(filepath.Dir(bin)), filepath.Dir(dir)} {
		mustDo(t, os.Chmod(d, 0o755))
	}
	mustDo(t, filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(path, nobody, nobody)
	}))
	return bin
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
