module scaledeck.local/cluster-probe

go 1.26
