package server

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"trots/survey"
)

// Rate limits of the survey: they spend only what hurts.
//
//   - A link's budget of valid answers is spent only by answers that
//     passed validation; refused posts (a malformed body, `{}`, answers
//     that do not fit the questionnaire) spend a separate budget of the
//     link, so garbage, however fast, cannot starve the people answering.
//   - Within a link, one source (the client's address, or its /64 for
//     IPv6) gets at most a share of either budget: the buckets of
//     (link, source) live in memory only, as long as the bucket is not
//     full again, never stored and never with the answers; there are at
//     most maxSourceBuckets of them, the least recently used dropped
//     first, so made-up sources cannot grow memory.
//   - Only links and tokens that exist get buckets: the look-up comes
//     first, and every unknown code or token spends one shared bucket
//     (unknownGate), so made-up codes cost no memory and block nobody
//     holding a real one.

const (
	// maxLinkBuckets bounds the per-link buckets (valid and invalid, and
	// per invitation token); only links and tokens that exist get one.
	maxLinkBuckets = 100_000
	// maxSourceBuckets bounds the per-(link, source) buckets.
	maxSourceBuckets = 65_536
)

// bucketSet is a bounded set of token buckets by key: least recently used
// first out, and a bucket idle long enough to have filled up again is
// forgotten (it would allow the same as a new one).
type bucketSet struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	max   int
	idle  time.Duration
	keys  map[string]*list.Element
	lru   list.List // of *bucket, most recently used at the front
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	used time.Time
}

func newBucketSet(r float64, burst, max int) *bucketSet {
	idle := time.Duration(float64(burst) / r * float64(time.Second))
	if r <= 0 || idle > 24*time.Hour || idle < 0 {
		idle = 24 * time.Hour
	}
	return &bucketSet{limit: rate.Limit(r), burst: max1(burst), max: max, idle: idle + time.Second, keys: map[string]*list.Element{}}
}

func max1(n int) int { return max(n, 1) }

// reserve takes one token from key's bucket, creating it, and says how
// long to wait when there was none (0: go on). A refused reservation is
// given back. cancel gives back a granted one.
func (b *bucketSet) reserve(key string, now time.Time) (wait time.Duration, cancel func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expire(now)
	var bk *bucket
	if el, ok := b.keys[key]; ok {
		bk = el.Value.(*bucket)
		b.lru.MoveToFront(el)
	} else {
		if len(b.keys) >= b.max {
			b.drop(b.lru.Back())
		}
		bk = &bucket{key: key, lim: rate.NewLimiter(b.limit, b.burst)}
		b.keys[key] = b.lru.PushFront(bk)
	}
	bk.used = now
	r := bk.lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Hour, func() {}
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, func() {}
	}
	return 0, func() { r.CancelAt(now) }
}

// expire forgets the least recently used buckets that are full again; a
// few per call, which keeps pace with the calls that create them.
func (b *bucketSet) expire(now time.Time) {
	for range 4 {
		el := b.lru.Back()
		if el == nil || now.Sub(el.Value.(*bucket).used) < b.idle {
			return
		}
		b.drop(el)
	}
}

func (b *bucketSet) drop(el *list.Element) {
	if el == nil {
		return
	}
	delete(b.keys, el.Value.(*bucket).key)
	b.lru.Remove(el)
}

// len is the number of buckets held.
func (b *bucketSet) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.keys)
}

// surveyLimits holds the buckets of the survey's posts.
type surveyLimits struct {
	valid, invalid *bucketSet // per link
	sources        *bucketSet // per (valid|invalid, link, source)
	invitations    *bucketSet // per invitation token that exists
	mu             sync.Mutex
	unknown        *rate.Limiter // shared by every unknown code and token
}

func newSurveyLimits(cfg Config) *surveyLimits {
	return &surveyLimits{
		valid:       newBucketSet(cfg.SurveyRate, cfg.SurveyBurst, maxLinkBuckets),
		invalid:     newBucketSet(cfg.SurveyRate, cfg.SurveyBurst, maxLinkBuckets),
		sources:     newBucketSet(cfg.SurveySourceRate, cfg.SurveySourceBurst, maxSourceBuckets),
		invitations: newBucketSet(cfg.SurveyRate, cfg.SurveyBurst, maxLinkBuckets),
		unknown:     rate.NewLimiter(rate.Limit(cfg.SurveyRate), max1(cfg.SurveyBurst)),
	}
}

// allow spends one token of the link's budget (valid or invalid answers)
// and of the source's share of it; wait > 0 refuses and spends nothing.
func (l *surveyLimits) allow(valid bool, link, source string, now time.Time) (wait time.Duration) {
	set, kind := l.invalid, "i|"
	if valid {
		set, kind = l.valid, "v|"
	}
	wait, cancel := l.sources.reserve(kind+link+"|"+source, now)
	if wait > 0 {
		return wait
	}
	if wait, _ = set.reserve(link, now); wait > 0 {
		cancel()
	}
	return wait
}

// allowUnknown spends one token of the bucket all unknown codes and
// tokens share.
func (l *surveyLimits) allowUnknown(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.unknown.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 || !r.OK() {
		r.CancelAt(now)
		return max(d, time.Second)
	}
	return 0
}

// allowInvitation spends one token of a real invitation's bucket: it can
// be used once, so only its retries share it. The token itself stays out
// of memory's keys.
func (l *surveyLimits) allowInvitation(token string, now time.Time) time.Duration {
	sum := sha256.Sum256([]byte(token))
	wait, _ := l.invitations.reserve(hex.EncodeToString(sum[:]), now)
	return wait
}

// buckets counts the buckets held, for tests and the abuse benchmark.
func (l *surveyLimits) buckets() int {
	return l.valid.len() + l.invalid.len() + l.sources.len() + l.invitations.len()
}

// errRateLimited refuses a request over a limit; RetryAfter says when to
// come back.
type errRateLimited struct{ RetryAfter time.Duration }

func (e *errRateLimited) Error() string { return "server: rate limited" }

// unknownGate is what a look-up of a code or token that came from the
// outside goes through: when err says the thing does not exist, the shared
// bucket of unknown keys pays for it, and once that is empty the answer
// is errRateLimited instead of err. No made-up key gets a bucket, or
// memory, of its own. Any route that looks up a secret from the URL or
// the body (survey links, invitations, personal codes) can use it.
func (s *Server) unknownGate(err error) error {
	if err == nil || survey.ErrorCode(err) != survey.ENotFound {
		return err
	}
	if wait := s.limits.allowUnknown(time.Now()); wait > 0 {
		return &errRateLimited{RetryAfter: wait}
	}
	return err
}

// sourceOf is the client's address as the rate limits see it: the
// address that connected, or the one a trusted proxy names
// (TROTS_TRUSTED_PROXIES); an IPv6 address counts by its /64, which one
// household or phone gets whole.
func sourceOf(c echo.Context) string {
	ip := net.ParseIP(c.RealIP())
	if ip == nil {
		return c.RealIP()
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip.String()
}

// spendAnswer spends the budget of a post to link: of valid answers when
// valid, else of refused ones. wait > 0 says it is over, and for how long.
func (s *Server) spendAnswer(c echo.Context, link survey.Link, valid bool) (wait time.Duration) {
	return s.limits.allow(valid, link.Code, sourceOf(c), time.Now())
}

// setRetryAfter writes Retry-After in whole seconds, at least one.
func setRetryAfter(c echo.Context, d time.Duration) {
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds())))))
}
