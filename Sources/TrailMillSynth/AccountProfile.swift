/// User agents seen in real trails (shortened versions of real SDK, CLI, console and tool strings).
enum Agents {
    static let cli = JSONBuffer.fragment(
        "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023")
    static let cliMac = JSONBuffer.fragment(
        "aws-cli/2.13.25 Python/3.11.5 Darwin/23.3.0 exe/x86_64")
    static let boto3 = JSONBuffer.fragment(
        "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 lang/python#3.12.2 Botocore/1.34.69")
    static let boto3Lambda = JSONBuffer.fragment(
        "Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 lang/python#3.12.2 exec-env/AWS_Lambda_python3.12 Botocore/1.34.42")
    static let goSDK = JSONBuffer.fragment(
        "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64")
    static let javaSDK = JSONBuffer.fragment(
        "aws-sdk-java/2.25.16 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 io/sync http/Apache")
    static let terraform = JSONBuffer.fragment(
        "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 terraform-provider-aws/5.42.0 aws-sdk-go-v2/1.26.0")
    static let browser = JSONBuffer.fragment(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36")
    static let browserFirefox = JSONBuffer.fragment(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0")
    static let s3Console = JSONBuffer.fragment(
        "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.660 Linux/5.10.210 java/1.8.0_402]")
    static let ssmAgent = JSONBuffer.fragment(
        "aws-sdk-go/1.44.260 (go1.20.10; linux; amd64) amazon-ssm-agent/3.3.40.0")
    static let awsInternal = JSONBuffer.fragment("AWS Internal")
    static let consoleService = JSONBuffer.fragment("console.amazonaws.com")

    /// Agents a human or pipeline identity may use as its usual one.
    static let humanPool: [[UInt8]] = [cli, cli, cli, cliMac, cliMac, boto3, terraform, browser, browserFirefox, goSDK]
}

/// What an assumed role is used for; decides its sessions, agents and source addresses.
enum RoleKind: Sendable {
    case ssoAdmin, ssoReadOnly, crossAccountAdmin, ciDeploy, ec2Instance, lambdaFunction
}

/// An IAM user of a synthetic account.
struct SynthUser: Sendable {
    var name: [UInt8]
    var principalID: [UInt8]
    var accessKeyID: [UInt8]
    var sourceIP: [UInt8]
    var agent: [UInt8]
    var usesMFA: Bool
}

/// An IAM role of a synthetic account and the sessions it is assumed with.
struct SynthRole: Sendable {
    var kind: RoleKind
    var name: [UInt8]
    /// Path segment of the role ARN before the name (`aws-reserved/sso.amazonaws.com/` for SSO roles, else empty).
    var path: [UInt8]
    var roleID: [UInt8]
    var sessions: [[UInt8]]
    var sessionIPs: [[UInt8]]
    var agents: [[UInt8]]

    var isHuman: Bool {
        switch kind {
        case .ssoAdmin, .ssoReadOnly, .crossAccountAdmin: true
        case .ciDeploy, .ec2Instance, .lambdaFunction: false
        }
    }
}

/// The stable "world" of one synthetic account: its ID, principals and resources.
///
/// Pools are small on purpose so that "who did what" queries find the same names again and again.
struct AccountProfile: Sendable {
    var index: Int
    var id: String
    var idBytes: [UInt8]
    var alias: [UInt8]
    var users: [SynthUser]
    var roles: [SynthRole]
    var buckets: [[UInt8]]
    var kmsKeyIDs: [[UInt8]]
    var instanceIDs: [[UInt8]]
    var functions: [[UInt8]]
    var parameters: [[UInt8]]
    var secrets: [[UInt8]]
    var tables: [[UInt8]]
    var vpcEndpointID: [UInt8]
    var vpcID: [UInt8]
    var subnetIDs: [[UInt8]]
    var securityGroupID: [UInt8]
    var rootIP: [UInt8]

    static let userNames = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
        "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter", "ci-bot", "terraform", "backup-operator",
    ]
    static let aliases = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne"]
    static let stages = ["prod", "staging", "dev", "shared", "security", "sandbox", "data", "logs"]
    static let functionNames = [
        "thumbnail-resizer", "order-events-consumer", "nightly-export", "slack-notifier", "cost-report",
        "user-signup-handler", "log-shipper", "image-scan",
    ]
    static let parameterNames = [
        "/prod/app/db-url", "/prod/app/db-password", "/shared/datadog/api-key", "/prod/payments/stripe-key",
        "/staging/app/feature-flags", "/ops/backup/schedule",
    ]
    static let tableNames = ["orders", "sessions", "customers", "audit-log", "inventory"]

    /// Builds account `index` of the archive with `seed`; `usedIDs` keeps IDs distinct.
    static func make(index: Int, seed: UInt64, usedIDs: inout Set<String>) -> AccountProfile {
        var rng = SplitMix64(seed: Seeds.mix(seed, .account, index))
        var id = ""
        repeat {
            var digits = JSONBuffer(capacity: 12)
            digits.byte(UInt8(ascii: "1") &+ UInt8(rng.below(9)))  // no leading zero, as most real IDs
            for _ in 0..<11 { digits.byte(UInt8(ascii: "0") &+ UInt8(rng.below(10))) }
            id = String(decoding: digits.bytes, as: UTF8.self)
        } while usedIDs.contains(id)
        usedIDs.insert(id)

        let alias = rng.pick(aliases) + "-" + rng.pick(stages)

        func token(_ prefix: String, _ count: Int) -> [UInt8] {
            var buffer = JSONBuffer(capacity: prefix.utf8.count + count)
            buffer.escaped(prefix.utf8)
            buffer.random(count, from: JSONBuffer.upperAlnum, &rng)
            return buffer.bytes
        }
        func hexToken(_ prefix: String, _ count: Int) -> [UInt8] {
            var buffer = JSONBuffer(capacity: prefix.utf8.count + count)
            buffer.escaped(prefix.utf8)
            buffer.hex(rng.next(), count: min(count, 16))
            if count > 16 { buffer.hex(rng.next(), count: count - 16) }
            return buffer.bytes
        }
        func uuidToken() -> [UInt8] {
            var buffer = JSONBuffer(capacity: 36)
            buffer.uuid(&rng)
            return buffer.bytes
        }

        // Users: 5 distinct names.
        var names = userNames
        var users: [SynthUser] = []
        for _ in 0..<5 {
            let name = names.remove(at: rng.below(names.count))
            let agent: [UInt8] =
                name == "terraform" ? Agents.terraform : name == "ci-bot" ? Agents.goSDK : rng.pick(Agents.humanPool)
            users.append(
                SynthUser(
                    name: JSONBuffer.fragment(name), principalID: token("AIDA", 17), accessKeyID: token("AKIA", 16),
                    sourceIP: publicAddress(&rng, ipv6PerCent: 20), agent: agent, usesMFA: rng.percent(70)))
        }

        let emails = users.prefix(4).map { JSONBuffer.fragment(String(decoding: $0.name, as: UTF8.self) + "@example.com") }
        let instanceIDs = (0..<6).map { _ in hexToken("i-0", 16) }
        let functions = (0..<4).map { i in JSONBuffer.fragment(functionNames[(index + i * 3) % functionNames.count]) }

        var roles: [SynthRole] = []
        func ips(_ count: Int, _ make: (inout SplitMix64) -> [UInt8]) -> [[UInt8]] {
            (0..<count).map { _ in make(&rng) }
        }
        roles.append(
            SynthRole(
                kind: .ssoAdmin, name: hexToken("AWSReservedSSO_Admin_", 16),
                path: JSONBuffer.fragment("aws-reserved/sso.amazonaws.com/"), roleID: token("AROA", 17),
                sessions: Array(emails.prefix(2)), sessionIPs: ips(2) { publicAddress(&$0, ipv6PerCent: 25) },
                agents: [Agents.browser, Agents.cli, Agents.s3Console]))
        roles.append(
            SynthRole(
                kind: .ssoReadOnly, name: hexToken("AWSReservedSSO_ReadOnly_", 16),
                path: JSONBuffer.fragment("aws-reserved/sso.amazonaws.com/"), roleID: token("AROA", 17),
                sessions: Array(emails.suffix(3)), sessionIPs: ips(3) { publicAddress(&$0, ipv6PerCent: 25) },
                agents: [Agents.browserFirefox, Agents.cliMac, Agents.browser]))
        roles.append(
            SynthRole(
                kind: .crossAccountAdmin, name: JSONBuffer.fragment("OrganizationAccountAccessRole"), path: [],
                roleID: token("AROA", 17), sessions: [users[0].name, users[1].name],
                sessionIPs: [users[0].sourceIP, users[1].sourceIP], agents: [Agents.cli, Agents.browser]))
        roles.append(
            SynthRole(
                kind: .ciDeploy, name: JSONBuffer.fragment("github-actions-deploy"), path: [],
                roleID: token("AROA", 17), sessions: [JSONBuffer.fragment("GitHubActions")],
                sessionIPs: ips(3) { cloudAddress(&$0, firstOctets: ["20.", "4.", "13.", "40."]) },
                agents: [Agents.terraform, Agents.goSDK]))
        roles.append(
            SynthRole(
                kind: .ec2Instance, name: JSONBuffer.fragment("app-ec2-role"),
                path: [], roleID: token("AROA", 17), sessions: instanceIDs,
                sessionIPs: ips(instanceIDs.count) { cloudAddress(&$0, firstOctets: awsOctets) }, agents: [Agents.javaSDK, Agents.boto3]))
        roles.append(
            SynthRole(
                kind: .lambdaFunction, name: JSONBuffer.fragment("pipeline-lambda-role"), path: [],
                roleID: token("AROA", 17), sessions: functions,
                sessionIPs: ips(functions.count) { cloudAddress(&$0, firstOctets: awsOctets) },
                agents: [Agents.boto3Lambda]))

        let stage = alias
        let buckets = [
            JSONBuffer.fragment(stage + "-data-" + String(id.suffix(4))),
            JSONBuffer.fragment(stage + "-artifacts"),
            JSONBuffer.fragment(stage + "-exports-" + String(id.prefix(3))),
        ]

        return AccountProfile(
            index: index, id: id, idBytes: Array(id.utf8), alias: JSONBuffer.fragment(alias), users: users,
            roles: roles, buckets: buckets, kmsKeyIDs: (0..<3).map { _ in uuidToken() }, instanceIDs: instanceIDs,
            functions: functions,
            parameters: (0..<3).map { i in JSONBuffer.fragment(parameterNames[(index + i * 2) % parameterNames.count]) },
            secrets: [JSONBuffer.fragment("prod/app/db"), JSONBuffer.fragment("prod/payments/api")],
            tables: (0..<2).map { i in JSONBuffer.fragment(tableNames[(index + i) % tableNames.count]) },
            vpcEndpointID: hexToken("vpce-0", 16), vpcID: hexToken("vpc-0", 16),
            subnetIDs: (0..<3).map { _ in hexToken("subnet-0", 16) }, securityGroupID: hexToken("sg-0", 16),
            rootIP: publicAddress(&rng, ipv6PerCent: 0))
    }

    /// A public-looking address: IPv4 mostly, IPv6 with the given share.
    static func publicAddress(_ rng: inout SplitMix64, ipv6PerCent: Int) -> [UInt8] {
        var b = JSONBuffer(capacity: 40)
        if rng.percent(ipv6PerCent) {
            b.escaped(rng.pick(["2a02:c7c:", "2600:1700:", "2001:818:", "2a01:e0a:"]).utf8)
            for i in 0..<6 {
                b.hex(rng.next(), count: 1 + rng.below(4))
                if i < 5 { b.byte(UInt8(ascii: ":")) }
            }
        } else {
            let first = [24, 31, 46, 62, 73, 81, 86, 91, 98, 104, 109, 142, 176, 185, 188, 203, 212, 217]
            b.int(rng.pick(first)); b.byte(46)
            b.int(rng.below(256)); b.byte(46)
            b.int(rng.below(256)); b.byte(46)
            b.int(1 + rng.below(254))
        }
        return b.bytes
    }

    static let awsOctets = ["3.", "18.", "34.", "35.", "44.", "52.", "54."]

    /// An IPv4 address in a cloud provider's ranges (NAT gateways, Lambda, CI runners).
    static func cloudAddress(_ rng: inout SplitMix64, firstOctets: [String]) -> [UInt8] {
        var b = JSONBuffer(capacity: 15)
        b.escaped(rng.pick(firstOctets).utf8)
        b.int(rng.below(256)); b.byte(46)
        b.int(rng.below(256)); b.byte(46)
        b.int(1 + rng.below(254))
        return b.bytes
    }

    /// A VPC-private IPv4 address (calls through VPC endpoints show these).
    static func privateAddress(_ rng: inout SplitMix64) -> [UInt8] {
        var b = JSONBuffer(capacity: 15)
        b.raw("10.")
        b.int(rng.below(4)); b.byte(46)
        b.int(rng.below(256)); b.byte(46)
        b.int(4 + rng.below(250))
        return b.bytes
    }
}
