#!/usr/bin/env bash
# Rows per second of the 1,000-row image job in local[2], cold and cached, on the disk cache and on a real
# redis-server (see SparkThroughput). Needs redis-server on the PATH. Usage: spark/throughput.sh [rows] [repeats] [side]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl spark -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
opens=$(sed -n 's:.*<spark.test.opens>\(.*\)</spark.test.opens>.*:\1:p' spark/pom.xml)
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 exec java $opens -cp "spark/target/test-classes:spark/target/classes:$(cat spark/target/test.classpath)" \
    dev.dspy4j.spark.SparkThroughput "$@"
