{{/* The name of every object of the release. */}}
{{- define "rampart.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "rampart.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Labels that select the pods. */}}
{{- define "rampart.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rampart.serviceAccountName" -}}
{{- default (include "rampart.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "rampart.secretName" -}}
{{- default (include "rampart.fullname" .) .Values.secret.existingSecret -}}
{{- end -}}

{{/* The store URL written into rampart.yaml. */}}
{{- define "rampart.storeUrl" -}}
{{- default "sqlite:/var/lib/rampart/rampart.db" .Values.store.url -}}
{{- end -}}
