// cluster-probe: the tiny HTTP server that the cluster tests run as a pod. It is built with the
// machine's Go into a FROM-scratch image, so no registry is needed. Each endpoint exercises one
// thing the tests must see from inside a pod: readiness, CPU use, the API server through the
// `kubernetes` Service, cluster DNS, and a volume.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

func main() {
	if os.Getenv("BURN") == "true" {
		// Spins forever; the container's CPU limit decides how much of a core that is.
		go func() {
			for x := 0; ; x++ {
				_ = x * x
			}
		}()
	}
	hostname, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /hostname", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, hostname) })
	mux.HandleFunc("GET /burn", burn)
	mux.HandleFunc("GET /kube-api", kubeAPI)
	mux.HandleFunc("GET /fetch", fetch)
	mux.HandleFunc("GET /data", readData)
	mux.HandleFunc("PUT /data", writeData)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Printf("cluster-probe %s listening on :%s", hostname, port)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}

// burn keeps one core busy for ?ms= milliseconds (at most 10 s).
func burn(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 || ms > 10000 {
		http.Error(w, "ms must be an integer from 0 to 10000", http.StatusBadRequest)
		return
	}
	until := time.Now().Add(time.Duration(ms) * time.Millisecond)
	n := 0
	for time.Now().Before(until) {
		n++
	}
	fmt.Fprintf(w, "burned %d ms (%d loops)\n", ms, n)
}

// kubeAPI lists the pods of its own namespace the way in-cluster clients (Prometheus' pod
// discovery) do: KUBERNETES_SERVICE_HOST/PORT, the mounted service-account token and CA.
func kubeAPI(w http.ResponseWriter, _ *http.Request) {
	token, err1 := os.ReadFile(filepath.Join(saDir, "token"))
	ca, err2 := os.ReadFile(filepath.Join(saDir, "ca.crt"))
	ns, err3 := os.ReadFile(filepath.Join(saDir, "namespace"))
	if err1 != nil || err2 != nil || err3 != nil {
		http.Error(w, "service-account files missing", http.StatusInternalServerError)
		return
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	url := fmt.Sprintf("https://%s:%s/api/v1/namespaces/%s/pods", os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT"), ns)
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+string(token))
	res, err := client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	var list struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		} `json:"items"`
	}
	body, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(body, &list)
	names := []string{}
	for _, item := range list.Items {
		names = append(names, item.Metadata.Name)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"url": url, "status": res.StatusCode, "pods": names})
}

// fetch GETs ?url= from inside the pod (cluster DNS names resolve here, not on the host).
func fetch(w http.ResponseWriter, r *http.Request) {
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(r.URL.Query().Get("url"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(res.Body, 1<<20))
}

func dataFile() string {
	dir := os.Getenv("DATA_DIR")
	if dir == "" {
		dir = "/data"
	}
	return filepath.Join(dir, "value")
}

func readData(w http.ResponseWriter, _ *http.Request) {
	b, err := os.ReadFile(dataFile())
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	_, _ = w.Write(b)
}

func writeData(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = os.WriteFile(dataFile(), b, 0o644)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
