/**
 * The built-in "Autoscaling in 90 seconds": the scale-out and the scale-in a room can watch. The
 * hold and the cool-down end as soon as their effect is seen (endsWhenMet), so the Docker target's
 * 5 s autoscaler loop plays it in about 80 s, and Kubernetes' HPA (15 s sync, 15 s metrics) in
 * about two minutes, with the same file.
 */
export const AUTOSCALING_90S = `
name: autoscaling-90s
title: Autoscaling in 90 seconds
description: >-
  Load ramps until CPU crosses the autoscaler's 50 % target, the autoscaler scales out and says
  why at every decision, then the load drops and the demo profile scales back in after its 30 s
  window (Kubernetes' default waits 5 minutes). Rates are multiples of what one replica of this
  machine's stack serves at the target, measured at the start; each step moves on as soon as the
  room has seen its effect.
steps:
  - for: 10
    caption: "One replica, the autoscaler on: 1 to 4 replicas at a 50 % CPU target (demo profile)"
    scale: 1
    autoscaler:
      enabled: true
      minReplicas: 1
      maxReplicas: 4
      targetCpuUtilizationPercent: 50
      profile: demo
    load: { rate: 0.6x }
  - for: 15
    caption: "Now the load ramps to 2.5× what one replica holds: watch CPU cross the 50 % line"
    load: { ramp: { to: 2.5x, over: 15 } }
    expect:
      scalesOut: { within: 50 }
  - for: 40
    caption: "CPU is above target, so the autoscaler adds replicas: each decision is explained on the timeline"
    endsWhenMet: true
    expect:
      replicas: { atLeast: 2, within: 40 }
  - for: 90
    caption: "The load drops. The autoscaler waits out its 30 s scale-down window, then scales in"
    endsWhenMet: true
    load: { rate: 0.3x }
    expect:
      scalesIn: { within: 90 }
`;
