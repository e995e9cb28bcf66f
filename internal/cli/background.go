package cli

import (
	"context"
	"sync"
	"time"
)

// every runs fn now and then once per interval, in the background, until
// ctx ends or stop is called; stop also waits for a run in progress, so
// that the store fn works on may be closed after it. fn gets a context
// that ends with the loop and reports whether to go on.
func every(ctx context.Context, interval time.Duration, fn func(ctx context.Context) bool) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if !fn(ctx) || ctx.Err() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
