# pgdba: the two commands a newcomer needs are `make test` and `make demo`.
MVN ?= mvn -B -ntp
JAR := operator/target/pgdba.jar
JSA := operator/target/pgdba.jsa

.PHONY: test build demo demo-run bench image crds clean

## Runs every test: unit tests, then the jar is built and the integration tests run against it.
test:
	$(MVN) verify

## Builds operator/target/pgdba.jar without running tests, and beside it pgdba.jsa: the classes
## an analysis loads, archived once (Java's AppCDS), which bin/pgdba hands the JVM to start faster.
## A static archive (-Xshare:dump from the list of classes a training run loaded), not a dynamic
## one (-XX:ArchiveClassesAtExit): Java 17's dynamic archive skips classes of old class files,
## which picocli's are, so 180 classes were read from the jar and verified at every start, 4 now
## (100 KB log: about 0.08 s of CPU). The archive names the jar by its absolute path, so that it
## serves from any working directory. The training run is an analysis of 4 MB (copies of the
## example log) with --stats: the example log alone (21 KB) is read in one piece, which left the
## parallel read's classes, its executor's and those of --stats out of the archive. The warm-up
## renders its sample in every --output first (io.pgdba.cli.Warmup.EVERY_OUTPUT), so that text,
## the default, is in too. The dump's notes (the classes it skips) go to cds-dump.log.
CDS_LOG := operator/target/cds-training.log
CDS_LIST := operator/target/cds-classes.lst
build:
	$(MVN) -q -DskipTests package
	@rm -f $(JSA) $(CDS_LIST)
	@for i in $$(seq 200); do cat examples/logs/postgresql.log; done >$(CDS_LOG)
	java -XX:DumpLoadedClassList=$(CDS_LIST) -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
	  -Dpgdba.warmup=every-output -jar $(abspath $(JAR)) \
	  analyze --log $(CDS_LOG) --output json --stats >/dev/null
	java -Xshare:dump -XX:SharedClassListFile=$(CDS_LIST) -XX:SharedArchiveFile=$(JSA) \
	  -cp $(abspath $(JAR)) >operator/target/cds-dump.log 2>&1 \
	  || { cat operator/target/cds-dump.log; exit 1; }
	@rm -f $(CDS_LOG) $(CDS_LIST)

$(JAR):
	$(MVN) -DskipTests package

## The local sandbox: embedded Postgres + in-process API server + the operator + examples/.
## A second `make demo` here stops with one line before building anything: a build would
## rewrite the jar the first one runs from (the sandbox itself also locks its --work-dir).
DEMO_LOCK := target/sandbox/make-demo.lock
demo:
	@mkdir -p target/sandbox
	@if ! command -v flock >/dev/null; then $(MAKE) --no-print-directory demo-run; exit $$?; fi; \
	flock -n -E 75 $(DEMO_LOCK) $(MAKE) --no-print-directory demo-run; status=$$?; \
	if [ $$status -eq 75 ]; then echo "make demo: another make demo is running in this folder" \
	  "($(DEMO_LOCK)); stop it, or start a second sandbox with: java -jar $(JAR) demo" \
	  "--work-dir target/sandbox2 --db-port 0 --metrics-port 0" >&2; fi; exit $$status

demo-run: build
	java -jar $(JAR) demo

## pgdba analyze on a 300 MB log from a real PostgreSQL against wc -l and pgBadger -j 1: wall, CPU,
## peak RSS and the ratios (knobs in operator/src/bench/bench-logs.sh).
bench: build
	bash operator/src/bench/bench-logs.sh

## OCI image as a tar, without a Docker daemon (Jib); needs a registry for the base image.
image:
	$(MVN) -DskipTests -Pimage package

## Regenerates the CRD YAML from the resource classes into crds/ and the chart's crds/.
crds:
	$(MVN) -DskipTests process-classes
	mkdir -p crds helm/pgdba-operator/crds
	cp operator/target/classes/META-INF/fabric8/*-v1.yml crds/
	cp operator/target/classes/META-INF/fabric8/*-v1.yml helm/pgdba-operator/crds/

clean:
	$(MVN) clean
