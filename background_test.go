package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// every runs at once, again on each tick, stops when fn says so, and stop
// waits for a run in progress.
func TestEveryRunsNowAgainAndStops(t *testing.T) {
	runs := make(chan int)
	var n atomic.Int32
	stop := every(context.Background(), time.Millisecond, func(ctx context.Context) bool {
		select {
		case runs <- int(n.Add(1)):
		case <-ctx.Done():
		}
		return true
	})
	for want := 1; want <= 3; want++ {
		if got := <-runs; got != want {
			t.Fatalf("run %d reported as %d", want, got)
		}
	}
	stop()
	after := n.Load()
	select {
	case <-runs:
		t.Fatal("a run after stop returned")
	default:
	}
	if n.Load() != after {
		t.Fatal("runs went on after stop returned")
	}

	// fn returning false ends the loop by itself; the first run is
	// immediate, without waiting for the (hour-long) interval.
	ran := make(chan struct{})
	stop = every(context.Background(), time.Hour, func(context.Context) bool { close(ran); return false })
	<-ran
	stop()
}
