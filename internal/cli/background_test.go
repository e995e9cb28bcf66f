package cli

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
	if after := n.Load(); after > 4 {
		t.Fatalf("%d runs for 3 received: runs went on unseen", after)
	}

	// stop waits for a run in progress: fn sees the cancellation, and
	// stop returns only once fn does.
	entered, cancelled, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	stop = every(context.Background(), time.Hour, func(ctx context.Context) bool {
		close(entered)
		<-ctx.Done()
		close(cancelled)
		<-release
		return true
	})
	<-entered
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	<-cancelled
	select {
	case <-stopped:
		t.Fatal("stop returned while a run was in progress")
	default:
	}
	close(release)
	<-stopped

	// fn returning false ends the loop by itself; the first run is
	// immediate, without waiting for the (hour-long) interval.
	ran := make(chan struct{})
	stop = every(context.Background(), time.Hour, func(context.Context) bool { close(ran); return false })
	<-ran
	stop()
}
