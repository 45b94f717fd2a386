/// Regional management and data events (EC2, S3, KMS, Lambda, CloudTrail, SSM, DynamoDB, Secrets Manager).
extension EventStream {
    enum RegionalKind: UInt8, CaseIterable {
        case s3GetObject, s3PutObject, ec2DescribeInstances, ec2DescribeSecurityGroups, ec2RunInstances
        case kmsDecrypt, kmsGenerateDataKey, lambdaInvoke, lambdaListFunctions, lambdaUpdateFunctionConfiguration
        case cloudTrailLookupEvents, ssmGetParameter, ssmUpdateInstanceInformation, dynamoDescribeTable
        case secretsGetSecretValue, ec2DescribeRegions, monitoringDescribeAlarms, kmsListAliases

        var weight: Int {
            switch self {
            case .s3GetObject: 5
            case .s3PutObject: 2
            case .ec2DescribeInstances: 10
            case .ec2DescribeSecurityGroups: 3
            case .ec2RunInstances: 1
            case .kmsDecrypt: 50
            case .kmsGenerateDataKey: 10
            case .lambdaInvoke: 5
            case .lambdaListFunctions: 2
            case .lambdaUpdateFunctionConfiguration: 1
            case .cloudTrailLookupEvents: 3
            case .ssmGetParameter: 5
            case .ssmUpdateInstanceInformation: 1
            case .dynamoDescribeTable: 1
            case .secretsGetSecretValue: 2
            case .ec2DescribeRegions: 4
            case .monitoringDescribeAlarms: 4
            case .kmsListAliases: 2
            }
        }

        static let table: [RegionalKind] = allCases.flatMap { repeatElement($0, count: $0.weight) }
    }

    /// Writes one regional record and returns its eventID bits.
    mutating func regional(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        return switch rng.pick(RegionalKind.table) {
        case .s3GetObject: s3Object(&b, time: time, put: false)
        case .s3PutObject: s3Object(&b, time: time, put: true)
        case .ec2DescribeInstances: ec2Describe(&b, time: time, securityGroups: false)
        case .ec2DescribeSecurityGroups: ec2Describe(&b, time: time, securityGroups: true)
        case .ec2RunInstances: ec2RunInstances(&b, time: time)
        case .kmsDecrypt: kms(&b, time: time, generate: false)
        case .kmsGenerateDataKey: kms(&b, time: time, generate: true)
        case .lambdaInvoke: lambdaInvoke(&b, time: time)
        case .lambdaListFunctions: lambdaList(&b, time: time)
        case .lambdaUpdateFunctionConfiguration: lambdaUpdate(&b, time: time)
        case .cloudTrailLookupEvents: lookupEvents(&b, time: time)
        case .ssmGetParameter: ssmGetParameter(&b, time: time)
        case .ssmUpdateInstanceInformation: ssmUpdateInstanceInformation(&b, time: time)
        case .dynamoDescribeTable: dynamoDescribeTable(&b, time: time)
        case .secretsGetSecretValue: secretsGetSecretValue(&b, time: time)
        case .ec2DescribeRegions: consoleRead(&b, time: time, source: "ec2.amazonaws.com", name: "DescribeRegions", action: "ec2:DescribeRegions", host: "ec2", parameters: "{\"regionSet\":{}}")
        case .monitoringDescribeAlarms: consoleRead(&b, time: time, source: "monitoring.amazonaws.com", name: "DescribeAlarms", action: "cloudwatch:DescribeAlarms", host: "monitoring", parameters: "{\"maxRecords\":100}")
        case .kmsListAliases: consoleRead(&b, time: time, source: "kms.amazonaws.com", name: "ListAliases", action: "kms:ListAliases", host: "kms", parameters: "null")
        }
    }

    // MARK: S3 data events

    static let keyPrefixes: [[UInt8]] = [
        "exports/daily/", "uploads/images/", "reports/finance/", "backups/db/", "raw/events/", "static/assets/",
    ].map(JSONBuffer.fragment)
    static let keySuffixes: [[UInt8]] = [".parquet", ".jpg", ".csv.gz", ".json", ".tar.zst", ".html"].map(JSONBuffer.fragment)

    private mutating func objectKey(_ b: inout JSONBuffer, time: Int) {
        let kind = rng.below(EventStream.keyPrefixes.count)
        b.raw(EventStream.keyPrefixes[kind])
        let (days, _) = Clock.split(time)
        b.int(days % 1000)
        b.raw("/part-")
        b.padded(rng.below(2000), width: 5)
        b.raw(EventStream.keySuffixes[kind])
    }

    mutating func s3Object(_ b: inout JSONBuffer, time: Int, put: Bool) -> (UInt64, UInt64) {
        let actor: Actor = rng.percent(15) ? pickWorkload() : pickHuman()
        let bucket = rng.pick(account.buckets)
        let viaEndpoint: Bool
        if case .role(RoleSlot.ec2Instance, _) = actor { viaEndpoint = rng.percent(50) } else { viaEndpoint = false }
        // The key is used three times; write it once and copy it.
        var key = JSONBuffer(capacity: 64)
        objectKey(&key, time: time)

        head(&b, version: rng.percent(60) ? "1.10" : "1.09", actor: actor, time: time, source: "s3.amazonaws.com",
            name: put ? "PutObject" : "GetObject")
        let (console, _) = sourceAndAgent(&b, actor, privateAddress: viaEndpoint)
        let failed = rng.percent(EventStream.errorPercent)
        if failed { b.raw("\"errorCode\":\"AccessDenied\",\"errorMessage\":\"Access Denied\",") }
        b.raw("\"requestParameters\":{\"bucketName\":\"")
        b.raw(bucket)
        b.raw("\",\"Host\":\"")
        b.raw(bucket)
        b.raw(".s3.")
        b.raw(region)
        b.raw(".amazonaws.com\",\"key\":\"")
        b.raw(key.bytes)
        if put && rng.percent(40) { b.raw("\",\"x-amz-server-side-encryption\":\"aws:kms") }
        b.raw("\"},\"responseElements\":")
        if put && !failed {
            b.raw("{\"x-amz-server-side-encryption\":\"AES256\"},")
        } else {
            b.raw("null,")
        }
        let size = failed ? 0 : 200 + rng.below(rng.percent(20) ? 50_000_000 : 400_000)
        b.raw("\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":")
        b.int(put ? size : 0)
        b.raw(",\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"")
        b.random(44, from: JSONBuffer.base64, &rng)
        b.raw("=\",\"bytesTransferredOut\":")
        b.int(put ? 0 : size)
        b.raw("},")
        let id = ids(&b, s3RequestID: true)
        b.raw(put ? "\"readOnly\":false," : "\"readOnly\":true,")
        b.raw("\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::")
        b.raw(bucket)
        b.byte(UInt8(ascii: "/"))
        b.raw(key.bytes)
        b.raw("\"},{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::")
        b.raw(bucket)
        b.raw("\"}],")
        trailer(&b, management: false, vpcEndpoint: viaEndpoint, host: host(.bucket(bucket), awsInternal: false),
            console: console && isRole(actor))
        return id
    }

    private func isRole(_ actor: Actor) -> Bool {
        if case .role = actor { return true }
        return false
    }

    // MARK: EC2

    mutating func ec2Describe(_ b: inout JSONBuffer, time: Int, securityGroups: Bool) -> (UInt64, UInt64) {
        let actor = rng.percent(90) ? pickHuman() : pickWorkload()
        head(&b, version: version(), actor: actor, time: time, source: "ec2.amazonaws.com",
            name: securityGroups ? "DescribeSecurityGroups" : "DescribeInstances")
        let (console, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 10)
        let failed = !awsInternal && rng.percent(EventStream.errorPercent)
        if failed { unauthorizedOperation(&b) }
        if securityGroups {
            b.raw("\"requestParameters\":{\"securityGroupSet\":{},\"securityGroupIdSet\":{\"items\":[{\"groupId\":\"")
            b.raw(account.securityGroupID)
            b.raw("\"}]},\"filterSet\":{}},")
        } else {
            switch rng.below(3) {
            case 0: b.raw("\"requestParameters\":{\"instancesSet\":{},\"filterSet\":{}},")
            case 1:
                b.raw("\"requestParameters\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"")
                b.raw(rng.pick(account.instanceIDs))
                b.raw("\"}]},\"filterSet\":{}},")
            default:
                b.raw("\"requestParameters\":{\"maxResults\":1000,\"instancesSet\":{},\"filterSet\":{\"items\":[{\"name\":\"instance-state-name\",\"valueSet\":{\"items\":[{\"value\":\"running\"}]}}]}},")
            }
        }
        b.raw("\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.regional("ec2"), awsInternal: awsInternal), console: console && isRole(actor))
        return id
    }

    static let instanceTypes: [StaticString] = ["t3.micro", "t3.medium", "m6i.large", "c7g.xlarge", "r6i.2xlarge"]
    static let amis: [StaticString] = ["ami-0c02fb55956c7d316", "ami-0a3c3a20c09d6f377", "ami-05fa00d4c63e32376"]

    mutating func ec2RunInstances(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor: Actor = rng.percent(70) ? .role(RoleSlot.ciDeploy, 0) : pickHuman()
        let instanceType = rng.pick(EventStream.instanceTypes)
        let ami = rng.pick(EventStream.amis)
        let subnet = rng.below(account.subnetIDs.count)
        let count = rng.percent(90) ? 1 : 2
        head(&b, version: version(), actor: actor, time: time, source: "ec2.amazonaws.com", name: "RunInstances")
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(8)
        if failed { unauthorizedOperation(&b) }
        b.raw("\"requestParameters\":{\"instancesSet\":{\"items\":[{\"imageId\":\"")
        b.raw(ami)
        b.raw("\",\"minCount\":1,\"maxCount\":")
        b.int(count)
        b.raw("}]},\"instanceType\":\"")
        b.raw(instanceType)
        b.raw("\",\"blockDeviceMapping\":{},\"monitoring\":{\"enabled\":false},\"disableApiTermination\":false,\"disableApiStop\":false,\"clientToken\":\"")
        b.uuid(&rng)
        b.raw("\",\"subnetId\":\"")
        b.raw(account.subnetIDs[subnet])
        b.raw("\",\"tagSpecificationSet\":{\"items\":[{\"resourceType\":\"instance\",\"tags\":[{\"key\":\"Name\",\"value\":\"")
        b.raw(account.alias)
        b.raw("-worker-")
        b.int(rng.below(100))
        b.raw("\"},{\"key\":\"team\",\"value\":\"platform\"}]}]}},\"responseElements\":")
        if failed {
            b.raw("null,")
        } else {
            b.raw("{\"requestId\":\"")
            b.uuid(&rng)
            b.raw("\",\"reservationId\":\"r-0")
            b.hex(rng.next(), count: 16)
            b.raw("\",\"ownerId\":\"")
            b.raw(account.idBytes)
            b.raw("\",\"groupSet\":{},\"instancesSet\":{\"items\":[")
            for i in 0..<count {
                if i > 0 { b.byte(UInt8(ascii: ",")) }
                let octets = (rng.below(4), rng.below(256), 4 + rng.below(250))
                b.raw("{\"instanceId\":\"i-0")
                b.hex(rng.next(), count: 16)
                b.raw("\",\"imageId\":\"")
                b.raw(ami)
                b.raw("\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"privateDnsName\":\"ip-10-")
                b.int(octets.0); b.byte(UInt8(ascii: "-")); b.int(octets.1); b.byte(UInt8(ascii: "-")); b.int(octets.2)
                b.byte(UInt8(ascii: "."))
                b.raw(region)
                b.raw(".compute.internal\",\"amiLaunchIndex\":")
                b.int(i)
                b.raw(",\"productCodes\":{},\"instanceType\":\"")
                b.raw(instanceType)
                b.raw("\",\"launchTime\":")
                b.int(time * 1000 + rng.below(1000))
                b.raw(",\"placement\":{\"availabilityZone\":\"")
                b.raw(region)
                b.byte(UInt8(ascii: "a") &+ UInt8(subnet))
                b.raw("\",\"tenancy\":\"default\"},\"monitoring\":{\"state\":\"disabled\"},\"subnetId\":\"")
                b.raw(account.subnetIDs[subnet])
                b.raw("\",\"vpcId\":\"")
                b.raw(account.vpcID)
                b.raw("\",\"privateIpAddress\":\"10.")
                b.int(octets.0); b.byte(46); b.int(octets.1); b.byte(46); b.int(octets.2)
                b.raw("\",\"architecture\":\"x86_64\",\"rootDeviceType\":\"ebs\",\"rootDeviceName\":\"/dev/xvda\",\"groupSet\":{\"items\":[{\"groupId\":\"")
                b.raw(account.securityGroupID)
                b.raw("\",\"groupName\":\"default\"}]},\"enaSupport\":true,\"metadataOptions\":{\"state\":\"pending\",\"httpTokens\":\"required\",\"httpPutResponseHopLimit\":2,\"httpEndpoint\":\"enabled\"}}")
            }
            b.raw("]},\"requesterId\":\"")
            b.raw(account.idBytes)
            b.raw("\"},")
        }
        let id = ids(&b)
        b.raw("\"readOnly\":false,")
        trailer(&b, host: host(.regional("ec2"), awsInternal: false), console: console && isRole(actor))
        return id
    }

    // MARK: KMS (mostly called by AWS services)

    /// EBS and S3 encryption dominate KMS traffic.
    static let kmsCallers: [[UInt8]] = [
        Services.ec2, Services.ec2, Services.ec2, Services.ec2, Services.s3, Services.s3, Services.s3, Services.lambda,
        Services.secretsManager, Services.ssm,
    ]

    mutating func kms(_ b: inout JSONBuffer, time: Int, generate: Bool) -> (UInt64, UInt64) {
        let serviceCall = rng.percent(92)
        let principal: [UInt8]
        let actor: Actor
        if serviceCall {
            principal = rng.pick(EventStream.kmsCallers)
            actor = .service(principal)
        } else {
            principal = []
            actor = pickWorkload()
        }
        let key = rng.pick(account.kmsKeyIDs)
        head(&b, version: version(), actor: actor, time: time, source: "kms.amazonaws.com",
            name: generate ? "GenerateDataKey" : "Decrypt")
        let (_, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 30)
        let failed = !serviceCall && rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: generate ? "kms:GenerateDataKey" : "kms:Decrypt") { [account, region] b in
                b.raw("arn:aws:kms:"); b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":key/"); b.raw(key)
            }
        }
        b.raw("\"requestParameters\":{")
        if generate {
            b.raw("\"keyId\":\"arn:aws:kms:")
            b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":key/"); b.raw(key)
            b.raw("\",\"keySpec\":\"AES_256\",")
        }
        b.raw("\"encryptionContext\":{")
        if principal == Services.ec2 {
            b.raw("\"aws:ebs:id\":\"vol-0"); b.hex(rng.next(), count: 16); b.raw("\"")
        } else if principal == Services.s3 {
            b.raw("\"aws:s3:arn\":\"arn:aws:s3:::"); b.raw(rng.pick(account.buckets)); b.raw("\"")
        } else if principal == Services.secretsManager {
            b.raw("\"SecretARN\":\"arn:aws:secretsmanager:"); b.raw(region); b.byte(58); b.raw(account.idBytes)
            b.raw(":secret:"); b.raw(rng.pick(account.secrets)); b.byte(UInt8(ascii: "-"))
            b.random(6, from: JSONBuffer.mixedAlnum, &rng)
            b.raw("\",\"SecretVersionId\":\""); b.uuid(&rng); b.raw("\"")
        } else if principal == Services.lambda {
            b.raw("\"aws:lambda:FunctionArn\":\"arn:aws:lambda:"); b.raw(region); b.byte(58); b.raw(account.idBytes)
            b.raw(":function:"); b.raw(rng.pick(account.functions)); b.raw("\"")
        } else if principal == Services.ssm {
            b.raw("\"PARAMETER_ARN\":\"arn:aws:ssm:"); b.raw(region); b.byte(58); b.raw(account.idBytes)
            b.raw(":parameter"); b.raw(rng.pick(account.parameters)); b.raw("\"")
        } else {
            b.raw("\"app\":\""); b.raw(account.alias); b.raw("\",\"purpose\":\"envelope\"")
        }
        b.raw("},\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,\"resources\":[{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"arn:aws:kms:")
        b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":key/"); b.raw(key)
        b.raw("\"}],")
        trailer(&b, sharedEvent: serviceCall && rng.percent(30), vpcEndpoint: !serviceCall && rng.percent(10),
            host: serviceCall ? .none : host(.regional("kms"), awsInternal: awsInternal))
        return id
    }

    // MARK: Lambda

    private func functionARN(_ b: inout JSONBuffer, _ function: [UInt8]) {
        b.raw("arn:aws:lambda:")
        b.raw(region)
        b.byte(58)
        b.raw(account.idBytes)
        b.raw(":function:")
        b.raw(function)
    }

    mutating func lambdaInvoke(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let byService = rng.percent(75)
        let principal = rng.pick([Services.s3, Services.events, Services.apiGateway])
        let actor: Actor = byService ? .service(principal) : pickAny()
        let function = rng.pick(account.functions)
        head(&b, version: rng.percent(50) ? "1.08" : "1.09", actor: actor, time: time, source: "lambda.amazonaws.com",
            name: "Invoke")
        let (console, _) = sourceAndAgent(&b, actor)
        b.raw("\"requestParameters\":{\"functionName\":\"")
        functionARN(&b, function)
        if byService && principal == Services.s3 {
            b.raw("\",\"sourceArn\":\"arn:aws:s3:::")
            b.raw(rng.pick(account.buckets))
        } else if byService {
            b.raw("\",\"invocationType\":\"Event")
        }
        b.raw("\"},\"responseElements\":null,\"additionalEventData\":{\"functionVersion\":\"")
        functionARN(&b, function)
        b.raw(":$LATEST\"},")
        let id = ids(&b)
        b.raw("\"readOnly\":false,\"resources\":[{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::Lambda::Function\",\"ARN\":\"")
        functionARN(&b, function)
        b.raw("\"}],")
        trailer(&b, management: false, sharedEvent: byService && rng.percent(20),
            host: byService ? .none : host(.regional("lambda"), awsInternal: false), console: console && isRole(actor))
        return id
    }

    mutating func lambdaList(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickHuman()
        head(&b, version: version(), actor: actor, time: time, source: "lambda.amazonaws.com",
            name: "ListFunctions20150331")
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: "lambda:ListFunctions") { [account, region] b in
                b.raw("arn:aws:lambda:"); b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":function:*")
            }
        }
        b.raw(rng.percent(50) ? "\"requestParameters\":null," : "\"requestParameters\":{\"maxItems\":50},")
        b.raw("\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.regional("lambda"), awsInternal: false), console: console && isRole(actor))
        return id
    }

    /// Descriptions exercise JSON escaping: quotes, backslashes, control characters and non-ASCII text.
    static let descriptions: [[UInt8]] = [
        "Nightly export to the data lake",
        "Resizes \"thumbnails\" for C:\\media\\incoming",
        "Täglicher Export – Kundendaten (v2)",
        "画像のサムネイルを生成する",
        "line one\nline two\tindented",
        "Alerts on \u{7}bell and \u{1F}unit-separator bytes 🚨",
    ].map(JSONBuffer.fragment)

    mutating func lambdaUpdate(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor: Actor = rng.percent(60) ? .role(RoleSlot.ciDeploy, 0) : pickHuman()
        let function = rng.pick(account.functions)
        let description = rng.pick(EventStream.descriptions)
        let memory = 128 << rng.below(4)
        let timeout = 3 + rng.below(300)
        head(&b, version: version(), actor: actor, time: time, source: "lambda.amazonaws.com",
            name: "UpdateFunctionConfiguration20150331v2")
        let (console, _) = sourceAndAgent(&b, actor)
        let failed = rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: "lambda:UpdateFunctionConfiguration") { [self] b in
                functionARN(&b, function)
            }
        }
        b.raw("\"requestParameters\":{\"functionName\":\"")
        b.raw(function)
        b.raw("\",\"description\":\"")
        b.raw(description)
        b.raw("\",\"timeout\":")
        b.int(timeout)
        b.raw(",\"memorySize\":")
        b.int(memory)
        b.raw(",\"environment\":{\"variables\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}},\"responseElements\":")
        if failed {
            b.raw("null,")
        } else {
            b.raw("{\"functionName\":\"")
            b.raw(function)
            b.raw("\",\"functionArn\":\"")
            functionARN(&b, function)
            b.raw("\",\"runtime\":\"python3.12\",\"role\":\"arn:aws:iam::")
            b.raw(account.idBytes)
            b.raw(":role/pipeline-lambda-role\",\"handler\":\"app.handler\",\"codeSize\":")
            b.int(1000 + rng.below(5_000_000))
            b.raw(",\"description\":\"")
            b.raw(description)
            b.raw("\",\"timeout\":")
            b.int(timeout)
            b.raw(",\"memorySize\":")
            b.int(memory)
            b.raw(",\"lastModified\":\"")
            b.timestamp(time)
            b.raw("\",\"codeSha256\":\"")
            b.random(43, from: JSONBuffer.base64, &rng)
            b.raw("=\",\"version\":\"$LATEST\",\"revisionId\":\"")
            b.uuid(&rng)
            b.raw("\",\"state\":\"Active\",\"lastUpdateStatus\":\"InProgress\",\"packageType\":\"Zip\",\"architectures\":[\"x86_64\"],\"ephemeralStorage\":{\"size\":512}},")
        }
        let id = ids(&b)
        b.raw("\"readOnly\":false,")
        trailer(&b, host: host(.regional("lambda"), awsInternal: false), console: console && isRole(actor))
        return id
    }

    // MARK: Simple reads (console pages, scripts)

    /// A read-only call with fixed parameters, as console pages and inventory scripts make them.
    mutating func consoleRead(
        _ b: inout JSONBuffer, time: Int, source: StaticString, name: StaticString, action: StaticString,
        host service: StaticString, parameters: StaticString
    ) -> (UInt64, UInt64) {
        let actor = pickHuman()
        head(&b, version: version(), actor: actor, time: time, source: source, name: name)
        let (console, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 20)
        if !awsInternal && rng.percent(EventStream.errorPercent) {
            accessDenied(&b, actor, action: action) { b in b.byte(UInt8(ascii: "*")) }
        }
        b.raw("\"requestParameters\":")
        b.raw(parameters)
        b.raw(",\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.regional(service), awsInternal: awsInternal), console: console && isRole(actor))
        return id
    }

    // MARK: CloudTrail, SSM, DynamoDB, Secrets Manager

    static let lookupAttributes: [StaticString] = [
        "{\"attributeKey\":\"EventName\",\"attributeValue\":\"ConsoleLogin\"}",
        "{\"attributeKey\":\"EventSource\",\"attributeValue\":\"iam.amazonaws.com\"}",
        "{\"attributeKey\":\"ReadOnly\",\"attributeValue\":\"false\"}",
        "{\"attributeKey\":\"ResourceType\",\"attributeValue\":\"AWS::S3::Bucket\"}",
    ]

    mutating func lookupEvents(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickHuman()
        head(&b, version: version(), actor: actor, time: time, source: "cloudtrail.amazonaws.com", name: "LookupEvents")
        let (console, _) = sourceAndAgent(&b, actor, agentOverride: rng.percent(50) ? Agents.awsInternal : nil)
        b.raw("\"requestParameters\":{\"lookupAttributes\":[")
        b.raw(rng.pick(EventStream.lookupAttributes))
        b.raw("],\"startTime\":\"")
        b.consoleTime(time - 86_400)
        b.raw("\",\"endTime\":\"")
        b.consoleTime(time)
        b.raw("\",\"maxResults\":50},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.regional("cloudtrail"), awsInternal: false), console: console && isRole(actor))
        return id
    }

    mutating func ssmGetParameter(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickAny()
        let parameter = rng.pick(account.parameters)
        head(&b, version: version(), actor: actor, time: time, source: "ssm.amazonaws.com", name: "GetParameter")
        let (console, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 20)
        let failed = !awsInternal && rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: "ssm:GetParameter") { [account, region] b in
                b.raw("arn:aws:ssm:"); b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":parameter")
                b.raw(parameter)
            }
        }
        b.raw("\"requestParameters\":{\"name\":\"")
        b.raw(parameter)
        b.raw(rng.percent(60) ? "\",\"withDecryption\":true}," : "\"},")
        b.raw("\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,")
        trailer(&b, host: host(.regional("ssm"), awsInternal: awsInternal), console: console && isRole(actor))
        return id
    }

    mutating func ssmUpdateInstanceInformation(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let session = rng.below(account.instanceIDs.count)
        let actor = Actor.role(RoleSlot.ec2Instance, session)
        let octets = (rng.below(4), rng.below(256), 4 + rng.below(250))
        head(&b, version: version(), actor: actor, time: time, source: "ssm.amazonaws.com",
            name: "UpdateInstanceInformation")
        sourceAndAgent(&b, actor, agentOverride: Agents.ssmAgent)
        b.raw("\"requestParameters\":{\"instanceId\":\"")
        b.raw(account.instanceIDs[session])
        b.raw("\",\"agentVersion\":\"3.3.40.0\",\"agentStatus\":\"Active\",\"platformType\":\"Linux\",\"platformName\":\"Amazon Linux\",\"platformVersion\":\"2023\",\"iPAddress\":\"10.")
        b.int(octets.0); b.byte(46); b.int(octets.1); b.byte(46); b.int(octets.2)
        b.raw("\",\"computerName\":\"ip-10-")
        b.int(octets.0); b.byte(45); b.int(octets.1); b.byte(45); b.int(octets.2)
        b.byte(46)
        b.raw(region)
        b.raw(".compute.internal\",\"agentName\":\"amazon-ssm-agent\",\"availabilityZone\":\"")
        b.raw(region)
        b.byte(UInt8(ascii: "a") &+ UInt8(session % 3))
        b.raw("\"},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":false,")
        trailer(&b, host: host(.regional("ssm"), awsInternal: false))
        return id
    }

    mutating func dynamoDescribeTable(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickAny()
        let table = rng.pick(account.tables)
        head(&b, version: version(), actor: actor, time: time, source: "dynamodb.amazonaws.com", name: "DescribeTable")
        let (console, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 10)
        b.raw("\"requestParameters\":{\"tableName\":\"")
        b.raw(table)
        b.raw("\"},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,\"resources\":[{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::DynamoDB::Table\",\"ARN\":\"arn:aws:dynamodb:")
        b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":table/"); b.raw(table)
        b.raw("\"}],")
        trailer(&b, apiVersion: "2012-08-10", host: host(.regional("dynamodb"), awsInternal: awsInternal),
            console: console && isRole(actor))
        return id
    }

    mutating func secretsGetSecretValue(_ b: inout JSONBuffer, time: Int) -> (UInt64, UInt64) {
        let actor = pickAny()
        let secret = rng.pick(account.secrets)
        head(&b, version: version(), actor: actor, time: time, source: "secretsmanager.amazonaws.com",
            name: "GetSecretValue")
        let (_, awsInternal) = sourceAndAgent(&b, actor, internalPerMille: 10)
        let failed = !awsInternal && rng.percent(EventStream.errorPercent)
        if failed {
            accessDenied(&b, actor, action: "secretsmanager:GetSecretValue") { [account, region] b in
                b.raw("arn:aws:secretsmanager:"); b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":secret:")
                b.raw(secret); b.raw("-*")
            }
        }
        b.raw("\"requestParameters\":{\"secretId\":\"")
        b.raw(secret)
        b.raw("\"},\"responseElements\":null,")
        let id = ids(&b)
        b.raw("\"readOnly\":true,\"resources\":[{\"accountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"type\":\"AWS::SecretsManager::Secret\",\"ARN\":\"arn:aws:secretsmanager:")
        b.raw(region); b.byte(58); b.raw(account.idBytes); b.raw(":secret:"); b.raw(secret); b.byte(45)
        b.random(6, from: JSONBuffer.mixedAlnum, &rng)
        b.raw("\"}],")
        trailer(&b, vpcEndpoint: rng.percent(15), host: host(.regional("secretsmanager"), awsInternal: awsInternal))
        return id
    }
}
