package main

import (
	"os"
	"strconv"
	"strings"
)

// bytesWritten is what this process has sent to storage so far (Linux:
// write_bytes less cancelled_write_bytes of /proc/self/io), or -1 where it
// cannot be read. Taken around a path, it shows how many bytes (WAL,
// checkpoints into the database file, temporary files) one stored response
// costs on SQLite; the PostgreSQL server writes in its own processes.
func bytesWritten() int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	var written, cancelled int64 = -1, 0
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "write_bytes":
			written = n
		case "cancelled_write_bytes":
			cancelled = n
		}
	}
	if written < 0 {
		return -1
	}
	return written - cancelled
}
