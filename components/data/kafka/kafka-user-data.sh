#!/bin/bash
# Boot script of one Kafka node (KRaft: broker and controller), rendered per node by KafkaEc2.
# It runs once, at the instance's first boot. The double-braced placeholders are filled by
# lib/template.ts; every one must be given a value.
set -euo pipefail
exec > >(tee -a /var/log/kafka-bootstrap.log) 2>&1

readonly NODE_ID="{{NODE_ID}}"
readonly CLUSTER_ID="{{CLUSTER_ID}}"
readonly DATA_VOLUME_ID="{{DATA_VOLUME_ID}}"
readonly KAFKA_VERSION="{{KAFKA_VERSION}}"
readonly SCALA_VERSION="{{SCALA_VERSION}}"
readonly ARCHIVE_URLS="{{ARCHIVE_URLS}}"
readonly ARCHIVE_SHA512="{{ARCHIVE_SHA512}}"
readonly HEAP_MB="{{HEAP_MB}}"
readonly MOUNT_POINT="{{MOUNT_POINT}}"
readonly LOG_DIR="{{LOG_DIR}}"
readonly KAFKA_HOME="/opt/kafka"

echo "kafka node ${NODE_ID}: bootstrap starts"

# Runs "$@" until it succeeds, waiting 5, 10, 20… seconds between tries: at first boot the NAT
# route or the repositories may not answer yet.
retry() {
    local attempt=1 delay=5
    until "$@"; do
        if [ "${attempt}" -ge 8 ]; then
            echo "gave up after ${attempt} attempts: $*" >&2
            return 1
        fi
        echo "attempt ${attempt} failed, retrying in ${delay}s: $*" >&2
        sleep "${delay}"
        attempt=$((attempt + 1))
        delay=$((delay * 2))
    done
}

# Java from the distribution (Amazon Corretto), and the CloudWatch agent.
retry dnf install -y java-21-amazon-corretto-headless amazon-cloudwatch-agent xfsprogs

# The data volume, found by its volume id (NVMe device names are not stable).
device="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID//-/}"
for _ in $(seq 1 60); do
    [ -e "${device}" ] && break
    sleep 5
done
if [ ! -e "${device}" ]; then
    echo "data volume ${DATA_VOLUME_ID} never appeared at ${device}" >&2
    exit 1
fi
# Format only a blank volume: a replaced instance keeps the data of the volume it finds.
if ! blkid "${device}" >/dev/null 2>&1; then
    mkfs.xfs "${device}"
fi
mkdir -p "${MOUNT_POINT}"
uuid="$(blkid -s UUID -o value "${device}")"
if ! grep -q "UUID=${uuid}" /etc/fstab; then
    echo "UUID=${uuid} ${MOUNT_POINT} xfs defaults,nofail,noatime 0 2" >> /etc/fstab
fi
mount -a
mkdir -p "${LOG_DIR}"

# The Kafka user and the release, verified before use.
if ! id kafka >/dev/null 2>&1; then
    useradd --system --home-dir "${KAFKA_HOME}" --shell /sbin/nologin kafka
fi
archive="/tmp/kafka_${SCALA_VERSION}-${KAFKA_VERSION}.tgz"
# Each mirror in turn (the download site holds current releases only, the archive every one).
download() {
    local url
    for url in ${ARCHIVE_URLS}; do
        if curl --fail --silent --show-error --location --connect-timeout 20 --output "${archive}" "${url}"; then
            return 0
        fi
        echo "download from ${url} failed" >&2
    done
    return 1
}
retry download
echo "${ARCHIVE_SHA512}  ${archive}" | sha512sum --check --strict -
tar -xzf "${archive}" -C /opt
ln -sfn "/opt/kafka_${SCALA_VERSION}-${KAFKA_VERSION}" "${KAFKA_HOME}"
rm -f "${archive}"

cat > "${KAFKA_HOME}/config/server.properties" <<'PROPERTIES'
{{SERVER_PROPERTIES}}PROPERTIES

# Format the storage once; a volume that already holds a cluster keeps it.
if [ ! -f "${LOG_DIR}/meta.properties" ]; then
    # --cluster-id=…: an id may start with "-", which the option parser would take for a flag.
    "${KAFKA_HOME}/bin/kafka-storage.sh" format "--cluster-id=${CLUSTER_ID}" --config "${KAFKA_HOME}/config/server.properties"
fi
mkdir -p /var/log/kafka
chown -R kafka:kafka "${MOUNT_POINT}" /var/log/kafka "/opt/kafka_${SCALA_VERSION}-${KAFKA_VERSION}"

cat > /etc/systemd/system/kafka.service <<UNIT
[Unit]
Description=Apache Kafka ${KAFKA_VERSION} (KRaft node ${NODE_ID})
Wants=network-online.target
After=network-online.target local-fs.target
RequiresMountsFor=${MOUNT_POINT}

[Service]
User=kafka
Group=kafka
Environment="KAFKA_HEAP_OPTS=-Xms${HEAP_MB}m -Xmx${HEAP_MB}m"
Environment=LOG_DIR=/var/log/kafka
ExecStart=${KAFKA_HOME}/bin/kafka-server-start.sh ${KAFKA_HOME}/config/server.properties
ExecStop=${KAFKA_HOME}/bin/kafka-server-stop.sh
Restart=always
RestartSec=10
LimitNOFILE=100000
TimeoutStopSec=180

[Install]
WantedBy=multi-user.target
UNIT

cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'AGENT'
{{CLOUDWATCH_AGENT_CONFIG}}AGENT

systemctl daemon-reload
systemctl enable --now kafka
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
echo "kafka node ${NODE_ID}: started"
