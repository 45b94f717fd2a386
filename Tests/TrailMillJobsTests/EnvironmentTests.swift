import Testing
import TrailMillJobs

/// `${VAR}` substitution, and passwords never printed.
@Suite struct EnvironmentTests {
    @Test func substitution() throws {
        let env = ["ROOT": "/srv/ct", "EMPTY": "", "JOBS": "6", "GZ": "true"]
        func sub(_ text: String) -> String? {
            try? EnvironmentSubstitution.substitute(text, environment: env).get().text
        }
        #expect(sub("${ROOT}/x") == "/srv/ct/x")
        #expect(sub("${MISSING:-/d}") == "/d")
        #expect(sub("${EMPTY:-fallback}") == "fallback")
        #expect(sub("${EMPTY}") == "")
        #expect(sub("${MISSING:-}") == "")
        #expect(sub("$${ROOT} costs $5") == "${ROOT} costs $5")
        #expect(sub("a${ROOT}b${JOBS}c") == "a/srv/ct" + "b6c")
        #expect(throws: EnvironmentSubstitution.Failure.missingVariable("MISSING")) {
            try EnvironmentSubstitution.substitute("${MISSING}", environment: env).get()
        }
        let masked = try EnvironmentSubstitution.substitute("u:${ROOT}@h", environment: env).get()
        #expect(masked.masked == "u:***@h" && masked.substituted)

        let job = try JobTest.load(
            """
            name: n
            source: {path: "${ROOT}/logs"}
            parallelism: {jobs: "${JOBS}"}
            sinks: [{type: ndjson, path: "${OUT:-out}", gzip: "${GZ}"}]
            state: ${STATE_DIR:-/var/lib/trailmill}/n.sqlite
            """, environment: env)
        #expect(job.sourcePath == "/srv/ct/logs")
        #expect(job.jobs == 6)
        #expect(job.fileSinks.first?.directory == "/etc/trailmill/out")
        #expect(job.fileSinks.first?.gzip == true)
        #expect(job.statePath == "/var/lib/trailmill/n.sqlite")
    }

    @Test func redaction() {
        let cases: [(String, String)] = [
            ("postgresql://u:s3cret@db:5432/trail", "postgresql://u:***@db:5432/trail"),
            (
                "postgres://u:p%40ss@db/x?sslmode=require&password=two",
                "postgres://u:***@db/x?sslmode=require&password=***"
            ),
            ("postgresql://u@db/x", "postgresql://u@db/x"),
            ("host=db password=s3cret user=u", "host=db password=*** user=u"),
            ("host=db password = 'a b\\' c' user=u", "host=db password=*** user=u"),
            ("PASSWORD=x", "password=***"),
            ("host=db passwordless=1", "host=db passwordless=1"),
        ]
        for (input, expected) in cases { #expect(DatabaseConninfo.redact(input) == expected) }
    }

    @Test func aPasswordNeverPrints() throws {
        let env = ["PGPASSWORD": "hunter2-secret", "DB_URL": "postgresql://app:url-secret@db/trail"]
        let job = try JobTest.load(
            """
            name: n
            source: {path: /d}
            sinks:
              - {type: postgres, name: a, database: "host=db user=app password=${PGPASSWORD}"}
              - {type: postgres, name: b, database: "${DB_URL}"}
              - {type: postgres, name: c, database: "postgresql://app:literal-secret@db/other"}
            """, environment: env)
        let databases = job.postgresSinks.compactMap(\.database)
        #expect(databases.map(\.redacted) == ["host=db user=app password=***", "***", "postgresql://app:***@db/other"])
        #expect(databases[0].reveal() == "host=db user=app password=hunter2-secret")
        #expect(databases[1].reveal() == "postgresql://app:url-secret@db/trail")
        var dumped = ""
        dump(job, to: &dumped)
        for text in [
            "\(job)", String(reflecting: job), dumped, "\(job.sinks)", "\(databases[0])",
            String(reflecting: databases[1]),
        ] {
            for secret in ["hunter2", "url-secret", "literal-secret"] { #expect(!text.contains(secret), "\(text)") }
        }
        // Errors never quote environment values either.
        let error = JobTest.error(
            "name: n\nsource: {path: /d}\nsinks: [{type: postgres, schema: \"${PGPASSWORD}\"}]", environment: env)
        #expect(error.map { !$0.description.contains("hunter2") } == true, "\(String(describing: error))")
        #expect(error?.message.contains("a value from the environment") == true)
    }

    @Test func anEmptyDatabaseMeansLibpqDefaults() throws {
        let job = try JobTest.load(
            "name: n\nsource: {path: /d}\nsinks: [{type: postgres, database: \"${TRAILMILL_DATABASE:-}\"}]")
        #expect(job.postgresSinks.first?.database == nil)
        #expect(job.postgresSinks.first?.name == "n")
    }
}
