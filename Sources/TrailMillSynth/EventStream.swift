/// Who made a call.
enum Actor {
    /// IAM user at `users[index]`.
    case user(Int)
    /// Assumed role `roles[role]` with session `sessions[session]`.
    case role(Int, Int)
    /// The account's root user.
    case root
    /// An AWS service acting on the account's behalf (`invokedBy`).
    case service([UInt8])
}

/// Role indexes in `AccountProfile.roles`.
enum RoleSlot {
    static let ssoAdmin = 0, ssoReadOnly = 1, crossAccountAdmin = 2, ciDeploy = 3, ec2Instance = 4, lambda = 5
}

/// Service principals that call KMS, STS and Lambda for the account.
enum Services {
    static let ec2 = JSONBuffer.fragment("ec2.amazonaws.com")
    static let s3 = JSONBuffer.fragment("s3.amazonaws.com")
    static let lambda = JSONBuffer.fragment("lambda.amazonaws.com")
    static let secretsManager = JSONBuffer.fragment("secretsmanager.amazonaws.com")
    static let events = JSONBuffer.fragment("events.amazonaws.com")
    static let apiGateway = JSONBuffer.fragment("apigateway.amazonaws.com")
    static let ssm = JSONBuffer.fragment("ssm.amazonaws.com")
}

/// Where `clientProvidedHostHeader` points.
enum Host {
    /// `<service>.<region>.amazonaws.com`.
    case regional(StaticString)
    /// A fixed global host such as `iam.amazonaws.com`.
    case global(StaticString)
    /// `<bucket>.s3.<region>.amazonaws.com`.
    case bucket([UInt8])
    /// No `tlsDetails`.
    case none
}

/// One deterministic stream of records for an account, written with the region `region`.
///
/// Global-service streams use `us-east-1` and a seed without the delivering region, so every region's copy of a
/// global event is byte-identical.
struct EventStream {
    let account: AccountProfile
    let region: [UInt8]
    var rng: SplitMix64

    init(account: AccountProfile, region: String, seed: UInt64) {
        self.account = account
        self.region = JSONBuffer.fragment(region)
        self.rng = SplitMix64(seed: seed)
    }

    /// Share (per cent) of calls by people and workloads that fail with an authorization error. Service calls never
    /// fail, so about 5 % of all records carry an error.
    static let errorPercent = 12

    // MARK: Choosing actors

    /// People and pipelines: IAM users, SSO and admin roles, CI.
    mutating func pickHuman() -> Actor {
        let roll = rng.below(100)
        switch roll {
        case 0..<78: return .user(rng.below(account.users.count))
        case 78..<92:
            let slot = rng.percent(55) ? RoleSlot.ssoAdmin : RoleSlot.ssoReadOnly
            return .role(slot, rng.below(account.roles[slot].sessions.count))
        case 92..<94:
            return .role(RoleSlot.crossAccountAdmin, rng.below(account.roles[RoleSlot.crossAccountAdmin].sessions.count))
        case 94..<99: return .role(RoleSlot.ciDeploy, 0)
        default: return .root
        }
    }

    /// Instance and function roles.
    mutating func pickWorkload() -> Actor {
        let slot = rng.percent(60) ? RoleSlot.ec2Instance : RoleSlot.lambda
        return .role(slot, rng.below(account.roles[slot].sessions.count))
    }

    /// Mostly workloads, some humans.
    mutating func pickAny() -> Actor { rng.percent(20) ? pickWorkload() : pickHuman() }

    // MARK: Common record parts

    /// `{"eventVersion":"…","userIdentity":{…},"eventTime":"…","eventSource":"…","eventName":"…","awsRegion":"…",`
    mutating func head(
        _ b: inout JSONBuffer, version: StaticString, actor: Actor, time: Int, source: StaticString,
        name: StaticString, consoleLogin: Bool = false
    ) {
        b.raw("{\"eventVersion\":\"")
        b.raw(version)
        b.raw("\",\"userIdentity\":")
        identity(&b, actor, time: time, consoleLogin: consoleLogin)
        b.raw(",\"eventTime\":\"")
        b.timestamp(time)
        b.raw("\",\"eventSource\":\"")
        b.raw(source)
        b.raw("\",\"eventName\":\"")
        b.raw(name)
        b.raw("\",\"awsRegion\":\"")
        b.raw(region)
        b.raw("\",")
    }

    mutating func identity(_ b: inout JSONBuffer, _ actor: Actor, time: Int, consoleLogin: Bool) {
        let id = account.idBytes
        switch actor {
        case .user(let index):
            let user = account.users[index]
            b.raw("{\"type\":\"IAMUser\",\"principalId\":\"")
            b.raw(user.principalID)
            b.raw("\",\"arn\":\"arn:aws:iam::")
            b.raw(id)
            b.raw(":user/")
            b.raw(user.name)
            b.raw("\",\"accountId\":\"")
            b.raw(id)
            if !consoleLogin {
                b.raw("\",\"accessKeyId\":\"")
                b.raw(user.accessKeyID)
            }
            b.raw("\",\"userName\":\"")
            b.raw(user.name)
            b.raw("\"}")
        case .role(let slot, let session):
            let role = account.roles[slot]
            b.raw("{\"type\":\"AssumedRole\",\"principalId\":\"")
            b.raw(role.roleID)
            b.byte(UInt8(ascii: ":"))
            b.raw(role.sessions[session])
            b.raw("\",\"arn\":\"arn:aws:sts::")
            b.raw(id)
            b.raw(":assumed-role/")
            b.raw(role.name)
            b.byte(UInt8(ascii: "/"))
            b.raw(role.sessions[session])
            b.raw("\",\"accountId\":\"")
            b.raw(id)
            b.raw("\",\"accessKeyId\":\"ASIA")
            b.random(16, from: JSONBuffer.upperAlnum, &rng)
            b.raw("\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"")
            b.raw(role.roleID)
            b.raw("\",\"arn\":\"arn:aws:iam::")
            b.raw(id)
            b.raw(":role/")
            b.raw(role.path)
            b.raw(role.name)
            b.raw("\",\"accountId\":\"")
            b.raw(id)
            b.raw("\",\"userName\":\"")
            b.raw(role.name)
            b.raw("\"},")
            let workload = slot == RoleSlot.ec2Instance || slot == RoleSlot.lambda
            b.raw("\"attributes\":{\"creationDate\":\"")
            b.timestamp(time - 30 - rng.below(workload ? 21_600 : 3_600))
            b.raw(slot == RoleSlot.crossAccountAdmin ? "\",\"mfaAuthenticated\":\"true\"}" : "\",\"mfaAuthenticated\":\"false\"}")
            if slot == RoleSlot.ec2Instance {
                b.raw(rng.percent(90) ? ",\"ec2RoleDelivery\":\"2.0\"" : ",\"ec2RoleDelivery\":\"1.0\"")
            }
            b.raw("}}")
        case .root:
            b.raw("{\"type\":\"Root\",\"principalId\":\"")
            b.raw(id)
            b.raw("\",\"arn\":\"arn:aws:iam::")
            b.raw(id)
            b.raw(":root\",\"accountId\":\"")
            b.raw(id)
            if consoleLogin {
                b.raw("\",\"accessKeyId\":\"\"}")
            } else {
                b.raw("\",\"accessKeyId\":\"ASIA")
                b.random(16, from: JSONBuffer.upperAlnum, &rng)
                b.raw("\"}")
            }
        case .service(let principal):
            b.raw("{\"type\":\"AWSService\",\"invokedBy\":\"")
            b.raw(principal)
            b.raw("\"}")
        }
    }

    /// The caller's ARN as errors quote it (no quotes).
    func arn(_ b: inout JSONBuffer, _ actor: Actor) {
        let id = account.idBytes
        switch actor {
        case .user(let index):
            b.raw("arn:aws:iam::")
            b.raw(id)
            b.raw(":user/")
            b.raw(account.users[index].name)
        case .role(let slot, let session):
            b.raw("arn:aws:sts::")
            b.raw(id)
            b.raw(":assumed-role/")
            b.raw(account.roles[slot].name)
            b.byte(UInt8(ascii: "/"))
            b.raw(account.roles[slot].sessions[session])
        case .root:
            b.raw("arn:aws:iam::")
            b.raw(id)
            b.raw(":root")
        case .service(let principal):
            b.raw(principal)
        }
    }

    /// The usual agent of an actor.
    mutating func agent(_ actor: Actor) -> [UInt8] {
        switch actor {
        case .user(let index): return account.users[index].agent
        case .role(let slot, _):
            let agents = account.roles[slot].agents
            return rng.percent(80) ? agents[0] : agents[rng.below(agents.count)]
        case .root: return Agents.browser
        case .service(let principal): return principal
        }
    }

    /// Writes `"sourceIPAddress":"…","userAgent":"…",` and returns whether the call came from a browser session.
    ///
    /// `internalPerMille` is the chance that the call shows as `AWS Internal` (then the result's `awsInternal` is true).
    @discardableResult
    mutating func sourceAndAgent(
        _ b: inout JSONBuffer, _ actor: Actor, internalPerMille: Int = 0, privateAddress: Bool = false,
        agentOverride: [UInt8]? = nil
    ) -> (console: Bool, awsInternal: Bool) {
        b.raw("\"sourceIPAddress\":\"")
        if case .service(let principal) = actor {
            b.raw(principal)
            b.raw("\",\"userAgent\":\"")
            b.raw(principal)
            b.raw("\",")
            return (false, true)
        }
        if internalPerMille > 0 && rng.perMille(internalPerMille) {
            b.raw("AWS Internal\",\"userAgent\":\"AWS Internal\",")
            return (false, true)
        }
        if privateAddress {
            b.raw(AccountProfile.privateAddress(&rng))
        } else {
            switch actor {
            case .user(let index): b.raw(account.users[index].sourceIP)
            case .role(let slot, let session): b.raw(account.roles[slot].sessionIPs[session])
            case .root: b.raw(account.rootIP)
            case .service: break
            }
        }
        b.raw("\",\"userAgent\":\"")
        let agent = agentOverride ?? self.agent(actor)
        b.raw(agent)
        b.raw("\",")
        let console = agent.first == UInt8(ascii: "M") || agent.first == UInt8(ascii: "[")
        return (console, false)
    }

    /// Writes `"errorCode":"AccessDenied","errorMessage":"User: … is not authorized …",`.
    func accessDenied(
        _ b: inout JSONBuffer, _ actor: Actor, action: StaticString, resource: (inout JSONBuffer) -> Void
    ) {
        b.raw("\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: ")
        arn(&b, actor)
        b.raw(" is not authorized to perform: ")
        b.raw(action)
        b.raw(" on resource: ")
        resource(&b)
        b.raw(" because no identity-based policy allows the ")
        b.raw(action)
        b.raw(" action\",")
    }

    /// Writes the EC2 flavour of a denial, with an encoded authorization message.
    mutating func unauthorizedOperation(_ b: inout JSONBuffer) {
        b.raw(
            "\"errorCode\":\"Client.UnauthorizedOperation\",\"errorMessage\":\"You are not authorized to perform this operation. Encoded authorization failure message: "
        )
        b.random(180 + rng.below(120), from: JSONBuffer.base64, &rng)
        b.raw("\",")
    }

    /// Writes `"requestID":"<uuid>","eventID":"<uuid>",` and returns the eventID bits.
    mutating func ids(_ b: inout JSONBuffer, s3RequestID: Bool = false, requestID: Bool = true) -> (UInt64, UInt64) {
        if requestID {
            b.raw("\"requestID\":\"")
            if s3RequestID {
                b.random(16, from: JSONBuffer.upperAlnum, &rng)
            } else {
                b.uuid(&rng)
            }
            b.raw("\",")
        }
        b.raw("\"eventID\":\"")
        let id = b.uuid(&rng)
        b.raw("\",")
        return id
    }

    /// `"eventType":…` through the closing brace.
    mutating func trailer(
        _ b: inout JSONBuffer, eventType: StaticString = "AwsApiCall", apiVersion: StaticString? = nil,
        management: Bool = true, sharedEvent: Bool = false, vpcEndpoint: Bool = false, host: Host,
        console: Bool = false
    ) {
        b.raw("\"eventType\":\"")
        b.raw(eventType)
        if let apiVersion {
            b.raw("\",\"apiVersion\":\"")
            b.raw(apiVersion)
        }
        b.raw(management ? "\",\"managementEvent\":true" : "\",\"managementEvent\":false")
        b.raw(",\"recipientAccountId\":\"")
        b.raw(account.idBytes)
        if sharedEvent {
            b.raw("\",\"sharedEventID\":\"")
            b.uuid(&rng)
        }
        if vpcEndpoint {
            b.raw("\",\"vpcEndpointId\":\"")
            b.raw(account.vpcEndpointID)
            b.raw("\",\"vpcEndpointAccountId\":\"")
            b.raw(account.idBytes)
        }
        b.raw(management ? "\",\"eventCategory\":\"Management\"" : "\",\"eventCategory\":\"Data\"")
        switch host {
        case .none: break
        case .regional(let service):
            tlsPrefix(&b)
            b.raw(service)
            b.byte(UInt8(ascii: "."))
            b.raw(region)
            b.raw(".amazonaws.com\"}")
        case .global(let fullHost):
            tlsPrefix(&b)
            b.raw(fullHost)
            b.raw("\"}")
        case .bucket(let bucket):
            tlsPrefix(&b)
            b.raw(bucket)
            b.raw(".s3.")
            b.raw(region)
            b.raw(".amazonaws.com\"}")
        }
        if console { b.raw(",\"sessionCredentialFromConsole\":\"true\"") }
        b.byte(UInt8(ascii: "}"))
    }

    private mutating func tlsPrefix(_ b: inout JSONBuffer) {
        if rng.percent(75) {
            b.raw(",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"")
        } else {
            b.raw(",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\",\"cipherSuite\":\"ECDHE-RSA-AES128-GCM-SHA256\",\"clientProvidedHostHeader\":\"")
        }
    }

    /// TLS details for most direct calls; none for service calls and AWS-internal ones.
    mutating func host(_ host: Host, awsInternal: Bool) -> Host {
        if awsInternal || rng.percent(12) { return .none }
        return host
    }

    /// `1.08`…`1.11`, weighted towards the newer ones.
    mutating func version() -> StaticString {
        switch rng.below(20) {
        case 0..<4: "1.08"
        case 4..<10: "1.09"
        case 10..<16: "1.10"
        default: "1.11"
        }
    }
}
