package server

import (
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus metrics of one instance, served on AIGRID_METRICS_ADDR (never on the
// application's own address). Labels hold route patterns, never paths: no IDs or tokens, and a
// bounded number of series.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec
	saves     *prometheus.CounterVec
	conflicts prometheus.Counter
}

func newMetrics(pool *pgxpool.Pool) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "aigrid", Name: "http_request_duration_seconds",
		Help:    "Time to serve HTTP requests, by method, route pattern and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "status"})
	m.saves = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "aigrid", Name: "step_saves_total",
		Help: "Step saves by outcome: saved, conflict (someone else changed an answer), invalid (nothing saved), failed (not committed).",
	}, []string{"outcome"})
	m.conflicts = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: "aigrid", Name: "answer_conflicts_total",
		Help: "Answers a save found changed by someone else since the user loaded them.",
	})
	m.reg.MustRegister(m.requests, m.saves, m.conflicts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.reg.MustRegister(poolCollector{pool})
	}
	return m
}

// observe records one request.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// saved records a step save's outcome and its conflicting answers.
func (m *metrics) saved(outcome string, conflicts int) {
	if m == nil {
		return
	}
	m.saves.WithLabelValues(outcome).Inc()
	m.conflicts.Add(float64(conflicts))
}

// poolCollector reports the database pool's statistics when scraped.
type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolMax      = prometheus.NewDesc("aigrid_db_pool_max_connections", "Size of the database connection pool (AIGRID_DB_MAX_CONNS).", nil, nil)
	poolTotal    = prometheus.NewDesc("aigrid_db_pool_connections", "Open database connections, by state.", []string{"state"}, nil)
	poolAcquires = prometheus.NewDesc("aigrid_db_pool_acquires_total", "Connections taken from the pool.", nil, nil)
	poolWaits    = prometheus.NewDesc("aigrid_db_pool_empty_acquires_total", "Acquisitions that had to wait for a connection (the pool was empty).", nil, nil)
	poolWaitTime = prometheus.NewDesc("aigrid_db_pool_acquire_seconds_total", "Time spent acquiring connections.", nil, nil)
	poolCanceled = prometheus.NewDesc("aigrid_db_pool_canceled_acquires_total", "Acquisitions given up (request cancelled or timed out).", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMax, poolTotal, poolAcquires, poolWaits, poolWaitTime, poolCanceled} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolCanceled, prometheus.CounterValue, float64(st.CanceledAcquireCount()))
}

// MetricsHandler serves the metrics in Prometheus' text format, and Go's profiler at
// /debug/pprof/ (what "make bench" reads its CPU profiles from), or nil when metrics are off
// (AIGRID_METRICS_ADDR unset). Serve it on its own private listener, apart from the application.
func (s *Server) MetricsHandler() http.Handler {
	if s.metrics == nil {
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	return mux
}
