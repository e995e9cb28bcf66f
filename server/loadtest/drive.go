package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Phases of one measurement.
const (
	warmingUp int32 = iota
	measuring
	stopping
)

// drive runs do from cfg.clients goroutines, each one request after the
// other, for a warm-up and then the measured duration (or until
// cfg.maxRequests requests were started), and reports the rate and the
// latencies of the requests that completed while measuring. Requests in
// flight at the end are waited for, never cancelled: a response committed
// by the server but abandoned by the client would make the row count
// disagree with the acknowledgements.
func drive(ctx context.Context, cfg config, do func(ctx context.Context, client, i int) error) result {
	var (
		phase    atomic.Int32
		started  atomic.Int64
		acked    atomic.Int64
		failed   atomic.Int64
		errOnce  sync.Once
		firstErr string
		capOnce  sync.Once
		capped   = make(chan struct{})
		wg       sync.WaitGroup
	)
	lat := make([][]time.Duration, cfg.clients)
	expect := int(cfg.duration.Seconds()*float64(20_000/cfg.clients)) + 16
	for c := range cfg.clients {
		lat[c] = make([]time.Duration, 0, expect)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if phase.Load() == stopping {
					return
				}
				if n := started.Add(1); cfg.maxRequests > 0 && n > cfg.maxRequests {
					capOnce.Do(func() { close(capped) })
					return
				}
				t0 := time.Now()
				err := do(ctx, c, i)
				d := time.Since(t0)
				if err != nil {
					failed.Add(1)
					errOnce.Do(func() { firstErr = err.Error() })
					continue
				}
				acked.Add(1)
				if phase.Load() == measuring {
					lat[c] = append(lat[c], d)
				}
			}
		}()
	}
	wait := func(d time.Duration) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-capped:
		case <-ctx.Done():
		}
	}
	wait(cfg.warmup)
	phase.Store(measuring)
	start, cpu0 := time.Now(), cpuTime()
	wait(cfg.duration)
	phase.Store(stopping)
	elapsed, cpu1 := time.Since(start), cpuTime()
	wg.Wait()

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	return result{
		rate:     float64(len(all)) / elapsed.Seconds(),
		p50:      percentile(all, 0.50),
		p99:      percentile(all, 0.99),
		cores:    float64(cpu1-cpu0) / float64(elapsed),
		acked:    acked.Load(),
		errors:   failed.Load(),
		firstErr: firstErr,
	}
}

// cpuTime is the processor time this process has used so far, user and
// system. Over the measured window it tells whether a path kept both
// cores busy (the machine is the limit) or waited (latency is).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
