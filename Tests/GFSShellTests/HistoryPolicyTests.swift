import GFSLanguage
import GFSShell
import Testing

@Suite struct HistoryPolicyTests {
    let policy = HistoryPolicy(commandTable: testTable)

    @Test(arguments: [
        "org create apiorg",
        "dashboard push examples/production-overview.json --folder Ops",
        "connect http://localhost:3000 --user admin --password-env GF_PASSWORD",
        "connect http://localhost:3000 --token-file ~/.config/gfs/token",
        "connect http://localhost:3000 --password $password",
        "connect http://admin@localhost:3000",
        "key create apikeycurl Admin",
        "use $key",
    ])
    func ordinaryLinesAreKeptAsTyped(_ line: String) {
        #expect(policy.decide(line) == .keep(line))
    }

    @Test(arguments: [
        ("connect http://localhost:3000 --password s3cret", "connect http://localhost:3000 --password ***"),
        (
            "connect http://localhost:3000 --password=s3cret --user admin",
            "connect http://localhost:3000 --password=*** --user admin"
        ),
        ("connect http://localhost:3000 -p s3cret", "connect http://localhost:3000 -p ***"),
        ("connect http://localhost:3000 --token 'a b c'", "connect http://localhost:3000 --token ***"),
        ("connect --password \"pa ss\" http://h", "connect --password *** http://h"),
        ("org list; connect http://h --token abc; org list", "org list; connect http://h --token ***; org list"),
        // A command the table does not know: options named like secrets still are.
        ("login --api-token abcdef", "login --api-token ***"),
        ("somecommand --secret=xyz", "somecommand --secret=***"),
        // A positional argument named like a password.
        ("user create alice hunter22", "user create alice ***"),
        ("let u = user create alice hunter22", "let u = user create alice ***"),
    ])
    func secretOptionAndArgumentValuesAreRedacted(_ line: String, _ expected: String) {
        #expect(policy.decide(line) == .redact(expected))
    }

    @Test(arguments: [
        ("connect http://admin:admin@localhost:3000", "connect http://admin:***@localhost:3000"),
        ("connect https://user:p%40ss@grafana.example.com/", "connect https://user:***@grafana.example.com/"),
        (
            "use glsa_kGxTWRvSqDnA2XbyM1Yke6bUIkl9qDCV_3f4b2a1c",
            "use ***"
        ),
        ("let t = \"glc_eyJvIjoiMTIzNCIsIm4iOiJ0ZXN0In0=\"", "let t = \"***\""),
        (
            "connect http://h --header Authorization=eyJrIjoiT0tTcG1pUlY2RnVKZTFVaDFsNFZXdE9ZWmNrMkZYbk4iLCJuIjoiYWRtaW4iLCJpZCI6MX0=",
            "connect http://h --header Authorization=***"
        ),
    ])
    func credentialShapesAreRedactedAnywhere(_ line: String, _ expected: String) {
        #expect(policy.decide(line) == .redact(expected))
    }

    @Test func knownSecretValuesAreRedacted() {
        let key = "eyJhbGciOiJzb21lIGtleSB2YWx1ZQ"
        let decision = policy.decide("echo \(key) and \(key)", secrets: [key])
        #expect(decision == .redact("echo *** and ***"))
    }

    @Test func theLongestKnownSecretIsRedactedFirst() {
        let decision = policy.decide("echo abcd-efgh", secrets: ["abcd", "abcd-efgh"])
        #expect(decision == .redact("echo ***"))
    }

    @Test func aShortKnownSecretSkipsTheLineInsteadOfManglingIt() {
        #expect(policy.decide("echo ab", secrets: ["ab"]) == .skip(.containsShortSecret))
        #expect(policy.decide("org create about", secrets: ["ab"]) == .keep("org create about"))
    }

    @Test func emptySecretsAreIgnored() {
        #expect(policy.decide("org list", secrets: [""]) == .keep("org list"))
    }

    @Test func linesStartingWithASpaceAreNotKept() {
        #expect(policy.decide(" connect http://h --password x") == .skip(.leadingSpace))
        #expect(policy.decide("\torg list") == .skip(.leadingSpace))
    }

    @Test func emptyLinesAreNotKept() {
        #expect(policy.decide("") == .skip(.empty))
    }

    @Test func multiLineInputIsRedactedOnEveryLine() {
        let input = "for u in $users {\n  connect http://h --password pw1\n}"
        #expect(policy.decide(input) == .redact("for u in $users {\n  connect http://h --password ***\n}"))
    }

    @Test func aSecretOptionWithoutAValueYetIsLeftAlone() {
        #expect(policy.decide("connect http://h --password") == .keep("connect http://h --password"))
    }

    @Test func theEntryOfADecision() {
        #expect(HistoryDecision.keep("a").entry == "a")
        #expect(HistoryDecision.redact("b ***").entry == "b ***")
        #expect(HistoryDecision.skip(.leadingSpace).entry == nil)
    }
}
