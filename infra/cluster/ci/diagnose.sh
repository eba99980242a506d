#!/usr/bin/env bash
# What a failed deploy or smoke test leaves to read: every pod, the Knative and eventing objects of
# shop with their conditions, recent events, and the last log lines of every function.
set -uo pipefail
section() { printf '\n## %s\n' "$*"; }
section "pods"
kubectl get pods -A -o wide
section "Knative Services, Broker, Triggers, sources (shop)"
kubectl -n shop get ksvc,broker,trigger,pingsource,kafkasource,kafkasink 2>&1
section "not Ready"
kubectl -n shop get ksvc,broker,trigger -o \
  jsonpath='{range .items[*]}{.kind} {.metadata.name}: {range .status.conditions[?(@.status!="True")]}{.type}={.status} {.reason} {.message}; {end}{"\n"}{end}' 2>&1
section "events (shop, kafka, knative-eventing)"
for ns in shop kafka knative-eventing; do kubectl -n "$ns" get events --sort-by=.lastTimestamp 2>&1 | tail -30; done
for fn in identity catalog orders promotions inventory payments redrive shipping webhooks analytics notifications cart audit; do
  section "logs: $fn"
  kubectl -n shop logs -l "serving.knative.dev/service=$fn" -c user-container --tail=80 --prefix 2>&1
done
