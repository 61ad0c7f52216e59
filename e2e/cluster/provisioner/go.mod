module scaledeck.local/cluster-provisioner

go 1.26
