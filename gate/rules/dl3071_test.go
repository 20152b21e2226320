package rules

import "testing"

func TestDL3071(t *testing.T) {
	cases := []Case{
		{Name: "wrapper", Dockerfile: "FROM eclipse-temurin:21\nRUN ./mvnw -B package\n", Fire: true},
		{Name: "go-offline", Dockerfile: "FROM maven:3.9\nRUN mvn -f pom.xml dependency:go-offline\n", Fire: true},
		{Name: "go-offline under compat", Dockerfile: "FROM maven:3.9\nRUN mvn -f pom.xml dependency:go-offline\n", Config: compat},
		{Name: "only options", Dockerfile: "FROM maven:3.9\nRUN mvn -v\n"},
		{Name: "package", Dockerfile: "FROM maven:3.9\nRUN mvn -B package\n", Fire: true, Lines: []int{2}},
		{Name: "clean install chain", Dockerfile: "FROM maven:3.9\nRUN mvn clean && mvn install -DskipTests\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM maven:3.9\nRUN cd /src \\\n && mvn -q verify || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM maven:3.9\nRUN <<EOF\nset -e\nmvn package\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM maven:3.9\nRUN [\"mvn\", \"package\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM maven:3.9 AS b\nRUN mvn package\nFROM eclipse-temurin:21\nCOPY --from=b /src/target/app.jar /app.jar\n", Fire: true, Lines: []int{2}},
		{Name: "mount elsewhere", Dockerfile: "FROM maven:3.9\nRUN --mount=type=cache,target=/var/cache mvn package\n", Fire: true},
		{Name: "bind mount does not count", Dockerfile: "FROM maven:3.9\nRUN --mount=type=bind,target=/root/.m2 mvn package\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM maven:3.9\nRUN sudo mvn package\n", Fire: true},
		{Name: "cache mount", Dockerfile: "FROM maven:3.9\nRUN --mount=type=cache,target=/root/.m2 mvn -B package\n"},
		{Name: "cache mount repository", Dockerfile: "FROM maven:3.9\nRUN --mount=type=cache,target=/home/app/.m2/repository mvn package\n"},
		{Name: "mvn version", Dockerfile: "FROM maven:3.9\nRUN mvn --version\n"},
		{Name: "quoted", Dockerfile: "FROM maven:3.9\nRUN echo 'mvn package'\n"},
		{Name: "stage not built", Dockerfile: "FROM maven:3.9 AS t\nRUN mvn package\nFROM eclipse-temurin:21\n"},
		{Name: "stage not built under compat", Dockerfile: "FROM maven:3.9 AS t\nRUN mvn package\nFROM eclipse-temurin:21\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3071Spec.
	cases = append(cases, hadolintCases(true, "RUN mvn install", "RUN mvn compile", "RUN --mount=type=cache,target=/wrong/path mvn install")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.m2 mvn install",
		"RUN --mount=type=tmpfs,target=/root/.m2 mvn install")...)
	runCases(t, DL3071, cases)
}
