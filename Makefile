# Entry points; the scripts under infra/scripts do the work so CI and people run the same thing.
.PHONY: run test bench mutation build lint clean

run:            ## the product locally: AWS emulator, Atlassian simulator, local API gateway on :3000
	./infra/scripts/run

test:           ## the whole test suite (installs the Python tools and starts/stops moto itself)
	./infra/scripts/test

bench:          ## benchmarks; writes BENCHMARKS.md (not part of `make test`)
	./infra/scripts/bench

mutation:       ## mutation score of the domain under the unit tier alone (pitest; report in functions/target/pit-reports)
	mvn -B -ntp -pl functions -am -Pmutation test

build:          ## the Lambda jar only: functions/target/functions.jar
	mvn -B -ntp -pl functions -am package -DskipTests

clean:
	mvn -B -ntp -q clean
