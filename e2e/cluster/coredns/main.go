// CoreDNS with only the plugins the local cluster's Corefile (lib/config.sh) uses. lib/build.sh
// builds this in a wrapper module pinned to COREDNS_VERSION: the stock plugin set pulls in every
// cloud SDK and cost minutes of a cold build. Add a plugin here before using it in the Corefile.
package main

import (
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"

	"github.com/coredns/coredns/coremain"
)

func main() { coremain.Run() }
