package rules

import "testing"

func TestDL3072(t *testing.T) {
	cases := []Case{
		{Name: "gradle by path", Dockerfile: "FROM eclipse-temurin:21\nRUN /opt/gradle/bin/gradle build\n", Fire: true},
		{Name: "gradle by path under compat", Dockerfile: "FROM eclipse-temurin:21\nRUN /opt/gradle/bin/gradle build\n", Config: compat},
		{Name: "gradle build", Dockerfile: "FROM gradle:8\nRUN gradle build --no-daemon\n", Fire: true, Lines: []int{2}},
		{Name: "wrapper by path", Dockerfile: "FROM eclipse-temurin:21\nRUN /src/gradlew assemble\n", Fire: true},
		{Name: "chain and continuation", Dockerfile: "FROM gradle:8\nRUN chmod +x gradlew; \\\n    ./gradlew bootJar || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM gradle:8\nRUN <<EOF\n./gradlew build\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM gradle:8\nRUN [\"./gradlew\", \"build\"]\n", Fire: true},
		{Name: "sh -c", Dockerfile: "FROM gradle:8\nRUN sh -c './gradlew build'\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM gradle:8 AS b\nRUN gradle build\nFROM eclipse-temurin:21\nCOPY --from=b /home/gradle/build/libs/app.jar /app.jar\n", Fire: true, Lines: []int{2}},
		{Name: "GRADLE_USER_HOME elsewhere", Dockerfile: "FROM gradle:8\nENV GRADLE_USER_HOME=/cache/g\nRUN --mount=type=cache,target=/var/tmp gradle build\n", Fire: true},
		{Name: "cache mount", Dockerfile: "FROM gradle:8\nRUN --mount=type=cache,target=/home/gradle/.gradle gradle build\n"},
		{Name: "GRADLE_USER_HOME mounted", Dockerfile: "FROM gradle:8\nARG GRADLE_USER_HOME=/cache/g\nRUN --mount=type=cache,target=/cache gradle build\n"},
		{Name: "stage not built", Dockerfile: "FROM gradle:8 AS t\nRUN gradle build\nFROM eclipse-temurin:21\n"},
		{Name: "quoted", Dockerfile: "FROM gradle:8\nRUN echo gradle build\n"},
		{Name: "gradle-like name", Dockerfile: "FROM gradle:8\nRUN gradle-profiler --help\n"},
		{Name: "GRADLE_USER_HOME under compat", Dockerfile: "FROM gradle:8\nARG GRADLE_USER_HOME=/cache/g\nRUN --mount=type=cache,target=/cache gradle build\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3072Spec.
	cases = append(cases, hadolintCases(true, "RUN gradle build", "RUN ./gradlew build", "RUN --mount=type=cache,target=/wrong/path gradle build")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.gradle gradle build",
		"RUN --mount=type=tmpfs,target=/root/.gradle gradle build", "RUN --mount=type=cache,target=/root/.gradle ./gradlew build")...)
	runCases(t, DL3072, cases)
}
