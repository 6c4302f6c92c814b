{{/*
Names, labels and the shapes every component shares. The per-component
templates only call these.
*/}}

{{- define "hexabid.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hexabid.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one component's objects: <fullname>-<component>. */}}
{{- define "hexabid.componentName" -}}
{{- printf "%s-%s" (include "hexabid.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hexabid.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "hexabid.labels" -}}
helm.sh/chart: {{ include "hexabid.chart" . }}
app.kubernetes.io/name: {{ include "hexabid.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hexabid
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; they never change after the first install. */}}
{{- define "hexabid.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hexabid.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Labels of one component's objects: the common ones plus its selector labels. */}}
{{- define "hexabid.componentLabels" -}}
{{ include "hexabid.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "hexabid.serviceAccountName" -}}
{{- if .component.serviceAccount.create }}
{{- default (include "hexabid.componentName" .) .component.serviceAccount.name }}
{{- else }}
{{- default "default" .component.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image of a component: global.imageTag wins, so one value deploys a release. */}}
{{- define "hexabid.image" -}}
{{- $tag := .component.image.tag | default .root.Chart.AppVersion }}
{{- if .root.Values.global.imageTag }}{{ $tag = .root.Values.global.imageTag }}{{ end }}
{{- printf "%s:%s" .component.image.repository (toString $tag) }}
{{- end }}

{{/*
The plain settings of one component, for its ConfigMap: for the backend
components (api, worker, scraper) the shared env and the service endpoints,
then the component's own env, which wins.
*/}}
{{- define "hexabid.componentConfig" -}}
{{- $v := .root.Values }}
{{- $data := dict }}
{{- if .backend }}
{{- $_ := set $data "DATABASE_HOST" $v.database.host }}
{{- $_ := set $data "DATABASE_PORT" $v.database.port }}
{{- $_ := set $data "DATABASE_NAME" $v.database.name }}
{{- $_ := set $data "REDIS_HOST" $v.redis.host }}
{{- $_ := set $data "REDIS_PORT" $v.redis.port }}
{{- $_ := set $data "REDIS_SIGNING" $v.redis.auth.type }}
{{- if eq $v.redis.auth.type "iam" }}
{{- /* No password: the app signs a token per connection (SigV4, service elasticache, action connect). */}}
{{- $_ := set $data "REDIS_URL" (printf "%s://%s:%v" (ternary "rediss" "redis" $v.redis.tls) $v.redis.host $v.redis.port) }}
{{- $_ := set $data "REDIS_USER" $v.redis.auth.user }}
{{- $_ := set $data "REDIS_IAM_REPLICATION_GROUP_ID" $v.redis.auth.replicationGroupId }}
{{- $_ := set $data "REDIS_IAM_REGION" $v.redis.auth.region }}
{{- end }}
{{- $_ := set $data "OPENSEARCH_URL" $v.search.endpoint }}
{{- $_ := set $data "OPENSEARCH_SIGNING" $v.search.auth.type }}
{{- if eq $v.search.auth.type "aws-sigv4" }}
{{- $_ := set $data "OPENSEARCH_AWS_REGION" $v.search.auth.region }}
{{- $_ := set $data "OPENSEARCH_AWS_SERVICE" "es" }}
{{- end }}
{{- $_ := set $data "S3_BUCKET" $v.storage.bucket }}
{{- $_ := set $data "AWS_REGION" $v.storage.region }}
{{- $data = merge (include "hexabid.plainEnvMap" $v.env | fromYaml) $data }}
{{- end }}
{{- $data = merge (include "hexabid.plainEnvMap" .component.env | fromYaml) $data }}
{{- range $key := keys $data | sortAlpha }}
{{ $key }}: {{ toString (get $data $key) | quote }}
{{- end }}
{{- end }}

{{/* Plain entries of an env map, for a ConfigMap. */}}
{{- define "hexabid.plainEnvMap" -}}
{{- range $key, $value := . }}
{{- if not (kindIs "map" $value) }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* secretKeyRef entries of an env map, as container env. */}}
{{- define "hexabid.secretEnv" -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $value.secretKeyRef.name }}
      key: {{ $value.secretKeyRef.key }}
      {{- if hasKey $value.secretKeyRef "optional" }}
      optional: {{ $value.secretKeyRef.optional }}
      {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Connection strings for the backend components. Each is a key of its Secret
(url), so no secret value passes through the chart or the pod spec. The
DATABASE_*_FILE variables name the same URLs as files of the
database-credentials volume, which the kubelet refreshes after a rotation;
the environment variables keep the value the pod started with.
*/}}
{{- define "hexabid.connectionEnv" -}}
{{- $v := .Values }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.secretName }}
      key: url
- name: DATABASE_URL_FILE
  value: {{ printf "%s/url" (include "hexabid.databaseCredentialsPath" .) | quote }}
{{- if $v.database.readerHost }}
- name: DATABASE_READER_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.readerSecretName }}
      key: url
- name: DATABASE_READER_URL_FILE
  value: {{ printf "%s/reader-url" (include "hexabid.databaseCredentialsPath" .) | quote }}
{{- end }}
{{- if eq $v.redis.auth.type "token" }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.secretName }}
      key: url
{{- end }}
{{- end }}

{{/* Where the backend containers find the database URLs as files. */}}
{{- define "hexabid.databaseCredentialsPath" -}}
/var/run/secrets/hexabid/database
{{- end }}

{{/*
The database-credentials volume: the url key of the app user's Secret as the
file url and, with a readerHost, the url key of the read-only user's Secret
as reader-url. A projected secret volume (no subPath), so the kubelet rewrites
the files within about a minute of the Secret changing.
*/}}
{{- define "hexabid.databaseCredentialsVolume" -}}
{{- $v := .Values }}
- name: database-credentials
  projected:
    sources:
      - secret:
          name: {{ $v.database.secretName }}
          items:
            - { key: url, path: url }
      {{- if $v.database.readerHost }}
      - secret:
          name: {{ $v.database.readerSecretName }}
          items:
            - { key: url, path: reader-url }
      {{- end }}
{{- end }}

{{/*
Whether the chart uses one entry of `secrets` ("true" or empty): it must be
enabled; the read-only user's is needed only with a database.readerHost, the
migrator's only with migrations on, the cache token's only with token auth.
*/}}
{{- define "hexabid.secretInUse" -}}
{{- $v := .root.Values }}
{{- if .secret.enabled }}
{{- if eq .id "dbReader" }}{{ if $v.database.readerHost }}true{{ end }}
{{- else if eq .id "dbMigrator" }}{{ if $v.migrations.enabled }}true{{ end }}
{{- else if eq .id "redis" }}{{ if eq $v.redis.auth.type "token" }}true{{ end }}
{{- else }}true
{{- end }}
{{- end }}
{{- end }}

{{/*
The keys the External Secrets Operator adds to a Secret, as its own Go
templates (rendered by the operator, not by Helm): the connection URLs,
assembled from the stored credentials with URL-escaping and the endpoints.
Empty for secrets that need nothing added.

The user name and password are the secret's current ones, read on every
refresh: after a rotation (alternating users) the username may be
hexabid_app_clone instead of hexabid_app. `urlquery` escapes a space as `+`,
which a connection-string parser reads back as `+`; the rotation generates
passwords without spaces, so that never happens.
*/}}
{{- define "hexabid.secretTemplateData" -}}
{{- $v := .root.Values }}
{{- $dsn := "postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@%s:%v/%s?sslmode=%s" }}
{{- if has .id (list "db" "dbMigrator") }}
url: {{ printf $dsn $v.database.host $v.database.port $v.database.name $v.database.sslMode | quote }}
{{- else if eq .id "dbReader" }}
url: {{ printf $dsn $v.database.readerHost $v.database.port $v.database.name $v.database.sslMode | quote }}
{{- else if eq .id "redis" }}
url: {{ printf "%s://:{{ .password | urlquery }}@%s:%v" (ternary "rediss" "redis" $v.redis.tls) $v.redis.host $v.redis.port | quote }}
{{- end }}
{{- end }}

{{/*
An ExternalSecret for one entry of `secrets`; annotations (e.g. Helm hook
ones) are optional. Call with (dict "root" $ "id" "<key>" "secret" <entry>
["annotations" <map>]).
*/}}
{{- define "hexabid.externalSecret" -}}
{{- $root := .root }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ .secret.name }}
  labels:
    {{- include "hexabid.labels" $root | nindent 4 }}
    app.kubernetes.io/component: secrets
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  refreshInterval: {{ $root.Values.externalSecrets.refreshInterval }}
  secretStoreRef:
    kind: {{ $root.Values.externalSecrets.secretStoreRef.kind }}
    name: {{ $root.Values.externalSecrets.secretStoreRef.name }}
  target:
    name: {{ .secret.name }}
    creationPolicy: Owner
    deletionPolicy: Retain
    {{- with include "hexabid.secretTemplateData" . }}
    # Merge keeps the extracted keys and adds the assembled ones.
    template:
      engineVersion: v2
      mergePolicy: Merge
      data:
        {{- . | trim | nindent 8 }}
    {{- end }}
  dataFrom:
    - extract:
        key: {{ .secret.remoteKey }}
{{- end }}

{{/*
Annotations of the objects the migration Job needs before it starts: Helm
creates hooks before the release's own objects, so these are hooks too, with
a lower weight than the Job. Each is replaced on the next release and removed
once every hook has succeeded, so the migrator's credential leaves the
cluster after a successful migration.
*/}}
{{- define "hexabid.migrationPrerequisiteHook" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-20"
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}

{{/* Spread a component's pods across zones and nodes. */}}
{{- define "hexabid.topologySpread" -}}
{{- $spread := .root.Values.topologySpread }}
{{- if $spread.enabled }}
topologySpreadConstraints:
{{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - maxSkew: {{ $spread.maxSkew }}
    topologyKey: {{ $key }}
    whenUnsatisfiable: {{ $spread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "hexabid.selectorLabels" $ | nindent 8 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hexabid.httpProbe" -}}
httpGet:
  path: {{ .probe.path }}
  port: {{ .port }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}

{{/*
The pod spec every component runs: restricted security, its own service
account, a writable /tmp, shared configuration for the backend components.
Call with (dict "root" $ "name" "<component>" "component" .Values.<component>
"backend" true|false "ports" (list ...) "probes" true|false).
*/}}
{{- define "hexabid.podSpec" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $env := list }}
{{- if .backend }}
{{- $env = append $env (include "hexabid.connectionEnv" $root | trim) }}
{{- $env = append $env (include "hexabid.secretEnv" $root.Values.env | trim) }}
{{- end }}
{{- $env = append $env (include "hexabid.secretEnv" $c.env | trim) }}
{{- $env = without $env "" -}}
serviceAccountName: {{ include "hexabid.serviceAccountName" . }}
automountServiceAccountToken: {{ $c.serviceAccount.automountToken }}
{{- with $root.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $c.terminationGracePeriodSeconds }}
terminationGracePeriodSeconds: {{ . }}
{{- end }}
{{- with $c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .spread }}
{{- include "hexabid.topologySpread" . }}
{{- end }}
containers:
  - name: {{ .name }}
    image: {{ include "hexabid.image" . | quote }}
    imagePullPolicy: {{ $c.image.pullPolicy }}
    {{- with $c.command }}
    command:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $c.args }}
    args:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .ports }}
    ports:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    envFrom:
      - configMapRef:
          name: {{ include "hexabid.componentName" . }}
    {{- with $env }}
    env:
      {{- join "\n" . | nindent 6 }}
    {{- end }}
    {{- if .probes }}
    livenessProbe:
      {{- include "hexabid.httpProbe" (dict "probe" $c.livenessProbe "port" "http") | nindent 6 }}
    readinessProbe:
      {{- include "hexabid.httpProbe" (dict "probe" $c.readinessProbe "port" "http") | nindent 6 }}
    {{- end }}
    resources:
      {{- toYaml $c.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.containerSecurityContext | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- if .backend }}
      - name: database-credentials
        mountPath: {{ include "hexabid.databaseCredentialsPath" $root }}
        readOnly: true
      {{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 1Gi
  {{- if .backend }}
  {{- include "hexabid.databaseCredentialsVolume" $root | trim | nindent 2 }}
  {{- end }}
{{- end }}

{{/* A Deployment for one component; no replicas when an HPA owns the count. */}}
{{- define "hexabid.deployment" -}}
{{- $c := .component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "hexabid.componentName" . }}
  labels:
    {{- include "hexabid.componentLabels" . | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "hexabid.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "hexabid.componentLabels" . | nindent 8 }}
        {{- with $c.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- /* Roll the pods when their configuration changes. */}}
        checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "hexabid.podSpec" (merge (dict "spread" true) .) | nindent 6 }}
{{- end }}

{{/* Fails the render when an HPA's bounds are inverted: JSON Schema cannot compare two fields. */}}
{{- define "hexabid.validateAutoscaling" -}}
{{- $a := .component.autoscaling }}
{{- if and $a.enabled (gt (int $a.minReplicas) (int $a.maxReplicas)) }}
{{- fail (printf "%s.autoscaling.minReplicas (%v) must not exceed %s.autoscaling.maxReplicas (%v)" .name $a.minReplicas .name $a.maxReplicas) }}
{{- end }}
{{- end }}

{{/* A ClusterIP Service in front of one component's http port. */}}
{{- define "hexabid.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "hexabid.componentName" . }}
  labels:
    {{- include "hexabid.componentLabels" . | nindent 4 }}
  {{- with .component.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .component.service.type }}
  selector:
    {{- include "hexabid.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .component.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
