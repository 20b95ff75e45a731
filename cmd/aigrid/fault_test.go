package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// SIGTERM under load (the signal cancels run's context, as in main): requests in flight finish
// with their answer; after that, new connections are refused. No request fails otherwise, none
// gets a 5xx. Bounded: 8 clients, about a second of load.
func TestShutdownUnderLoad(t *testing.T) {
	root, err := os.MkdirTemp("", "aigrid-term-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755)
	t.Cleanup(func() { os.RemoveAll(root) })
	base, _, stop := serveOnce(t, filepath.Join(root, ".data"))

	var ok, refused, failed atomic.Int64
	var firstFailure atomic.Value
	var stopping atomic.Bool
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	deadline := time.Now().Add(15 * time.Second)
	for i := range 8 {
		wg.Go(func() {
			path := []string{"login", "readyz", "about", "healthz"}[i%4]
			for time.Now().Before(deadline) {
				resp, err := client.Get(base + path)
				switch {
				case err != nil && errors.Is(err, syscall.ECONNREFUSED) && stopping.Load():
					refused.Add(1)
					return // the server is gone: no new request can be in flight
				case err != nil:
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
				default:
					_, rerr := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if rerr != nil || resp.StatusCode >= 500 {
						failed.Add(1)
						firstFailure.CompareAndSwap(nil, resp.Status)
					} else {
						ok.Add(1)
					}
				}
			}
		})
	}
	time.Sleep(time.Second)
	stopping.Store(true)
	took := stop()
	wg.Wait()
	t.Logf("%d answered, %d refused after shutdown, %d failed; shutdown took %v", ok.Load(), refused.Load(), failed.Load(), took)
	if failed.Load() > 0 {
		t.Errorf("%d requests failed during shutdown, first: %v", failed.Load(), firstFailure.Load())
	}
	if ok.Load() < 50 || refused.Load() == 0 {
		t.Errorf("the load did not run through the shutdown: %d answered, %d refused", ok.Load(), refused.Load())
	}
}
