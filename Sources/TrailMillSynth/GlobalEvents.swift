/// Global-service events (IAM, STS global endpoint, console sign-in), recorded in us-east-1 and delivered by every
/// region's trail.
extension EventStream {
    enum GlobalKind: UInt8, CaseIterable {
        case stsAssumeRole, stsGetCallerIdentity, iamListRoles, iamGetRole, iamListAttachedRolePolicies
        case iamCreateUser, iamAttachRolePolicy, consoleLogin

        var weight: Int {
            switch self {
            case .stsAssumeRole: 22
            case .stsGetCallerIdentity: 24
            case .iamListRoles: 9
            case .iamGetRole: 7
            case .iamListAttachedRolePolicies: 5
            case .iamCreateUser: 3
            case .iamAttachRolePolicy: 3
            case .consoleLogin: 13
            }
        }

        static let table: [GlobalKind] = allCases.flatMap { repeatElement($0, count: $0.weight) }
    }

    /// Writes one global-service record and returns its eventID bits.
    mutating func global(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        return switch rng.pick(GlobalKind.table) {
        case .stsAssumeRole: assumeRole(&b, time: time)
        case .stsGetCallerIdentity: getCallerIdentity(&b, time: time)
        case .iamListRoles: iamRead(&b, time: time, name: "ListRoles", action: "iam:ListRoles", listing: true)
        case .iamGetRole: iamRead(&b, time: time, name: "GetRole", action: "iam:GetRole", listing: false)
        case .iamListAttachedRolePolicies:
            iamRead(&b, time: time, name: "ListAttachedRolePolicies", action: "iam:ListAttachedRolePolicies", listing: false)
        case .iamCreateUser: createUser(&b, time: time)
        case .iamAttachRolePolicy: attachRolePolicy(&b, time: time)
        case .consoleLogin: consoleLogin(&b, time: time)
        }
    }

    private func roleARN(_ b: inout JSONBuffer, _ slot: Int) {
        b.raw("arn:aws:iam::")
        b.raw(account.idBytes)
        b.raw(":role/")
        b.raw(account.roles[slot].path)
        b.raw(account.roles[slot].name)
    }

    // MARK: STS

    mutating func assumeRole(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor: Actor
        let slot: Int
        let session: Int
        switch rng.below(100) {
        case 0..<35:
            slot = RoleSlot.lambda
            session = rng.below(account.roles[slot].sessions.count)
            actor = .service(Services.lambda)
        case 35..<60:
            slot = RoleSlot.ec2Instance
            session = rng.below(account.roles[slot].sessions.count)
            actor = .service(Services.ec2)
        default:
            slot = RoleSlot.crossAccountAdmin
            session = rng.below(account.roles[slot].sessions.count)
            actor = .user(rng.below(account.users.count))
        }
        let role = account.roles[slot]
        head(&b, version: "1.08", actor: actor, time: time, source: "sts.amazonaws.com", name: "AssumeRole")
        let (_, awsInternal) = sourceAndAgent(&b, actor)
        let failed = !awsInternal && rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: "sts:AssumeRole") { [self] b in roleARN(&b, slot) }
        }
        b.raw("\"requestParameters\":{\"roleArn\":\"")
        roleARN(&b, slot)
        b.raw("\",\"roleSessionName\":\"")
        b.raw(role.sessions[session])
        if !awsInternal { b.raw("\",\"durationSeconds\":3600},") } else { b.raw("\"},") }
        if failed {
            b.raw("\"responseElements\":null,")
        } else {
            b.raw("\"responseElements\":{\"credentials\":{\"accessKeyId\":\"ASIA")
            b.random(16, from: JSONBuffer.upperAlnum, &rng)
            b.raw("\",\"sessionToken\":\"IQoJb3JpZ2luX2Vj")
            b.random(64, from: JSONBuffer.base64, &rng)
            b.raw("\",\"expiration\":\"")
            b.consoleTime(time + (awsInternal ? 43_200 : 3_600))
            b.raw("\"},\"assumedRoleUser\":{\"assumedRoleId\":\"")
            b.raw(role.roleID)
            b.byte(58)
            b.raw(role.sessions[session])
            b.raw("\",\"arn\":\"arn:aws:sts::")
            b.raw(account.idBytes)
            b.raw(":assumed-role/")
            b.raw(role.name)
            b.byte(47)
            b.raw(role.sessions[session])
            b.raw("\"}},")
        }
        let id = ids(&b)
        b.raw("\"readOnly\":true,\"resources\":[{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::IAM::Role\",\"ARN\":\"")
        roleARN(&b, slot)
        b.raw("\"}],")
        trailer(&b, sharedEvent: awsInternal, host: awsInternal ? .none : host(.global("sts.amazonaws.com"), awsInternal: false))
        return id
    }

    mutating func getCallerIdentity(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickAny()
        head(&b, version: "1.08", actor: actor, time: time, source: "sts.amazonaws.com", name: "GetCallerIdentity")
        let (console, _) = sourceAndAgent(&b, actor)
        b.raw("\"requestParameters\":null,\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.global("sts.amazonaws.com"), awsInternal: false), console: console && isAssumedRole(actor))
        return id
    }

    private func isAssumedRole(_ actor: Actor) -> Bool {
        if case .role = actor { return true }
        return false
    }

    // MARK: IAM

    mutating func iamRead(
        _ b: inout JSONBuffer, time: Int, name: StaticString, action: StaticString, listing: Bool
    ) -> (UInt64, UInt64) {
        let actor = pickHuman()
        let slot = rng.below(account.roles.count)
        head(&b, version: rng.percent(70) ? "1.08" : "1.09", actor: actor, time: time, source: "iam.amazonaws.com",
            name: name)
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: action) { [account] b in
                b.raw("arn:aws:iam::"); b.raw(account.idBytes); b.raw(":role/")
                if !listing { b.raw(account.roles[slot].name) }
            }
        }
        if listing {
            b.raw(rng.percent(50) ? "\"requestParameters\":null," : "\"requestParameters\":{\"maxItems\":1000},")
        } else {
            b.raw("\"requestParameters\":{\"roleName\":\"")
            b.raw(account.roles[slot].name)
            b.raw("\"},")
        }
        b.raw("\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.global("iam.amazonaws.com"), awsInternal: false), console: console && isAssumedRole(actor))
        return id
    }

    static let newUserNames: [[UInt8]] = [
        "svc-reporting", "svc-backup", "contractor-jdoe", "break-glass-admin", "svc-etl", "auditor-temp",
    ].map(JSONBuffer.fragment)

    mutating func createUser(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor: Actor = rng.percent(50) ? .role(RoleSlot.ciDeploy, 0) : pickHuman()
        var newName = JSONBuffer(capacity: 32)
        newName.raw(rng.pick(EventStream.newUserNames))
        newName.byte(45)
        newName.int(rng.below(1000))
        head(&b, version: "1.09", actor: actor, time: time, source: "iam.amazonaws.com", name: "CreateUser")
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(12)
        if failed {
            accessDenied(&b, actor, action: "iam:CreateUser") { [account] b in
                b.raw("arn:aws:iam::"); b.raw(account.idBytes); b.raw(":user/"); b.raw(newName.bytes)
            }
        }
        b.raw("\"requestParameters\":{\"userName\":\"")
        b.raw(newName.bytes)
        b.raw("\",\"tags\":[{\"key\":\"owner\",\"value\":\"platform\"}]},\"responseElements\":")
        if failed {
            b.raw("null,")
        } else {
            b.raw("{\"user\":{\"path\":\"/\",\"userName\":\"")
            b.raw(newName.bytes)
            b.raw("\",\"userId\":\"AIDA")
            b.random(17, from: JSONBuffer.upperAlnum, &rng)
            b.raw("\",\"arn\":\"arn:aws:iam::")
            b.raw(account.idBytes)
            b.raw(":user/")
            b.raw(newName.bytes)
            b.raw("\",\"createDate\":\"")
            b.consoleTime(time)
            b.raw("\",\"tags\":[{\"key\":\"owner\",\"value\":\"platform\"}]}},")
        }
        let id = ids(&b)
        b.raw("\"readOnly\":false,")
        trailer(&b, host: host(.global("iam.amazonaws.com"), awsInternal: false), console: console && isAssumedRole(actor))
        return id
    }

    static let policies: [StaticString] = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ]

    mutating func attachRolePolicy(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor: Actor = rng.percent(50) ? .role(RoleSlot.ciDeploy, 0) : pickHuman()
        let slot = RoleSlot.ec2Instance + rng.below(2)
        let policy = rng.pick(EventStream.policies)
        head(&b, version: "1.09", actor: actor, time: time, source: "iam.amazonaws.com", name: "AttachRolePolicy")
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(12)
        if failed {
            accessDenied(&b, actor, action: "iam:AttachRolePolicy") { [self] b in roleARN(&b, slot) }
        }
        b.raw("\"requestParameters\":{\"roleName\":\"")
        b.raw(account.roles[slot].name)
        b.raw("\",\"policyArn\":\"")
        b.raw(policy)
        b.raw("\"},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":false,")
        trailer(&b, host: host(.global("iam.amazonaws.com"), awsInternal: false), console: console && isAssumedRole(actor))
        return id
    }

    // MARK: Sign-in

    mutating func consoleLogin(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let user = rng.below(account.users.count)
        let actor: Actor = rng.percent(12) ? .root : .user(user)
        let failed = rng.percent(8)
        let mfa: Bool
        if case .user(let index) = actor { mfa = account.users[index].usesMFA && !failed } else { mfa = !failed }
        head(&b, version: rng.percent(60) ? "1.08" : "1.11", actor: actor, time: time, source: "signin.amazonaws.com",
            name: "ConsoleLogin", consoleLogin: true)
        sourceAndAgent(&b, actor, agentOverride: rng.percent(70) ? Agents.browser : Agents.browserFirefox)
        if failed { b.raw("\"errorMessage\":\"Failed authentication\",") }
        b.raw("\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":\"")
        b.raw(failed ? "Failure" : "Success")
        b.raw("\"},\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_")
        b.hex(rng.next(), count: 16)
        b.raw(mfa ? "\",\"MobileVersion\":\"No\",\"MFAUsed\":\"Yes\"}," : "\",\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"},")
        let id = ids(&b, requestID: false)
        b.raw("\"readOnly\":false,")
        trailer(&b, eventType: "AwsConsoleSignIn", host: .global("signin.aws.amazon.com"))
        return id
    }
}
