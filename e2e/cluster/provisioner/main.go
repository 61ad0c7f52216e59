// cluster-provisioner: dynamic hostPath volumes for the StorageClass `standard` of the local
// cluster, like Minikube's storage-provisioner. kube-controller-manager's built-in hostPath
// provisioner makes root-owned 0750 directories, which images running as a non-root user (the
// postgres image) cannot write; a claim here gets a 0777 directory, and its volume is deleted with
// the claim, so no volume ever stays Released. Standard library only, so the build takes seconds;
// it polls instead of watching, which is plenty for one node.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const provisionerName = "scaledeck.local/hostpath"

type objectMeta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace,omitempty"`
	UID               string            `json:"uid,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	DeletionTimestamp *string           `json:"deletionTimestamp,omitempty"`
}

type claim struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		AccessModes      []string `json:"accessModes"`
		StorageClassName *string  `json:"storageClassName"`
		VolumeName       string   `json:"volumeName"`
		VolumeMode       *string  `json:"volumeMode"`
		Resources        struct {
			Requests map[string]string `json:"requests"`
		} `json:"resources"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase"`
	} `json:"status"`
}

type volume struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		HostPath struct {
			Path string `json:"path"`
		} `json:"hostPath"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase"`
	} `json:"status"`
}

type api struct {
	server string
	client *http.Client
}

func (a *api) do(method, path string, body any, out any) (int, error) {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.server+path, reader)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(data, out)
	}
	return res.StatusCode, nil
}

func main() {
	server := flag.String("server", "", "API server URL")
	caFile := flag.String("ca", "", "cluster CA certificate")
	certFile := flag.String("cert", "", "client certificate")
	keyFile := flag.String("key", "", "client key")
	root := flag.String("root", "", "directory that holds the volumes")
	class := flag.String("class", "standard", "StorageClass served")
	interval := flag.Duration("interval", time.Second, "poll interval")
	flag.Parse()
	if *server == "" || *caFile == "" || *certFile == "" || *keyFile == "" || *root == "" {
		log.Fatal("--server, --ca, --cert, --key and --root are required")
	}
	ca, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	pair, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatal(err)
	}
	a := &api{server: *server, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}},
	}}}
	if err := os.MkdirAll(*root, 0o755); err != nil {
		log.Fatal(err)
	}
	log.Printf("provisioning class %q into %s", *class, *root)
	for {
		if err := provision(a, *class, *root); err != nil {
			log.Print(err)
		}
		if err := reclaim(a, *root); err != nil {
			log.Print(err)
		}
		time.Sleep(*interval)
	}
}

func provision(a *api, class, root string) error {
	var claims struct{ Items []claim }
	if _, err := a.do(http.MethodGet, "/api/v1/persistentvolumeclaims", nil, &claims); err != nil {
		return err
	}
	for _, c := range claims.Items {
		if c.Status.Phase != "Pending" || c.Spec.VolumeName != "" || c.Metadata.DeletionTimestamp != nil ||
			c.Spec.StorageClassName == nil || *c.Spec.StorageClassName != class {
			continue
		}
		if c.Spec.VolumeMode != nil && *c.Spec.VolumeMode == "Block" {
			continue
		}
		name := "pvc-" + c.Metadata.UID
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return err
		}
		// MkdirAll applies the umask; any user of any image may write here.
		if err := os.Chmod(dir, 0o777); err != nil {
			return err
		}
		size := c.Spec.Resources.Requests["storage"]
		if size == "" {
			size = "1Gi"
		}
		pv := map[string]any{
			"apiVersion": "v1",
			"kind":       "PersistentVolume",
			"metadata": map[string]any{
				"name":        name,
				"annotations": map[string]string{"pv.kubernetes.io/provisioned-by": provisionerName},
			},
			"spec": map[string]any{
				"capacity":                      map[string]string{"storage": size},
				"accessModes":                   c.Spec.AccessModes,
				"persistentVolumeReclaimPolicy": "Delete",
				"storageClassName":              class,
				"hostPath":                      map[string]string{"path": dir, "type": "Directory"},
				// Pre-bound to its claim, so the PV controller binds exactly this pair.
				"claimRef": map[string]string{
					"apiVersion": "v1", "kind": "PersistentVolumeClaim",
					"namespace": c.Metadata.Namespace, "name": c.Metadata.Name, "uid": c.Metadata.UID,
				},
			},
		}
		code, err := a.do(http.MethodPost, "/api/v1/persistentvolumes", pv, nil)
		if err != nil && code != http.StatusConflict {
			return err
		}
		if err == nil {
			log.Printf("created %s for %s/%s (%s)", name, c.Metadata.Namespace, c.Metadata.Name, size)
		}
	}
	return nil
}

func reclaim(a *api, root string) error {
	var volumes struct{ Items []volume }
	if _, err := a.do(http.MethodGet, "/api/v1/persistentvolumes", nil, &volumes); err != nil {
		return err
	}
	for _, v := range volumes.Items {
		if v.Metadata.Annotations["pv.kubernetes.io/provisioned-by"] != provisionerName {
			continue
		}
		if v.Status.Phase != "Released" && v.Status.Phase != "Failed" {
			continue
		}
		dir := v.Spec.HostPath.Path
		if filepath.Dir(dir) != filepath.Clean(root) {
			log.Printf("not deleting %s: outside %s", dir, root)
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		code, err := a.do(http.MethodDelete, "/api/v1/persistentvolumes/"+v.Metadata.Name, nil, nil)
		if err != nil && code != http.StatusNotFound {
			return err
		}
		log.Printf("deleted %s (its claim is gone)", v.Metadata.Name)
	}
	return nil
}
