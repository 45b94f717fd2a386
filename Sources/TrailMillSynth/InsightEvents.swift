/// CloudTrail Insights events: Start/End pairs joined by `sharedEventID`, with no top-level `userIdentity`,
/// `eventSource` or `eventName`.
extension EventStream {
    private static let insightAPIs: [(StaticString, StaticString)] = [
        ("ec2.amazonaws.com", "DescribeInstances"), ("ssm.amazonaws.com", "UpdateInstanceInformation"),
        ("iam.amazonaws.com", "ListRoles"), ("s3.amazonaws.com", "ListBuckets"),
        ("autoscaling.amazonaws.com", "CompleteLifecycleAction"),
    ]

    /// What stays the same between the Start and End events of one insight.
    struct InsightPlan {
        var api: Int
        var errorRate: Bool
        var sharedEventID: (UInt64, UInt64)
        var baselineMantissa: Int
        var baselineExponent: Int
        var insightAverage: Int
        var baselineDuration: Int
        var callerSlot: Int
        var callerSession: Int
    }

    mutating func planInsight() -> InsightPlan {
        let slot = rng.below(account.roles.count)
        return InsightPlan(
            api: rng.below(EventStream.insightAPIs.count), errorRate: rng.percent(30),
            sharedEventID: (rng.next(), rng.next()), baselineMantissa: 100_000 + rng.below(900_000),
            baselineExponent: 2 + rng.below(4), insightAverage: 2 + rng.below(80),
            baselineDuration: 5_000 + rng.below(10_000), callerSlot: slot,
            callerSession: rng.below(account.roles[slot].sessions.count))
    }

    /// Writes the Start (`end == nil`) or End (`end == duration in minutes`) record of `plan`.
    mutating func insight(_ b: inout JSONBuffer, plan: InsightPlan, time: Int, durationMinutes: Int?) -> (UInt64, UInt64) {
        let (source, name) = EventStream.insightAPIs[plan.api]
        b.raw(
            "{\"eventVersion\":\"1.08\",\"eventTime\":\"")
        b.timestamp(time)
        b.raw("\",\"awsRegion\":\"")
        b.raw(region)
        b.raw("\",\"eventID\":\"")
        let id = b.uuid(&rng)
        b.raw("\",\"eventType\":\"AwsCloudTrailInsight\",\"recipientAccountId\":\"")
        b.raw(account.idBytes)
        b.raw("\",\"sharedEventID\":\"")
        var shared = SplitMix64(seed: plan.sharedEventID.0 ^ plan.sharedEventID.1)
        b.uuid(&shared)
        b.raw(durationMinutes == nil ? "\",\"insightDetails\":{\"state\":\"Start\"" : "\",\"insightDetails\":{\"state\":\"End\"")
        b.raw(",\"eventSource\":\"")
        b.raw(source)
        b.raw("\",\"eventName\":\"")
        b.raw(name)
        b.raw(plan.errorRate
            ? "\",\"insightType\":\"ApiErrorRateInsight\",\"errorCode\":\"AccessDeniedException\""
            : "\",\"insightType\":\"ApiCallRateInsight\"")
        b.raw(",\"insightContext\":{\"statistics\":{\"baseline\":{\"average\":")
        baselineNumber(&b, plan)
        b.raw("},\"insight\":{\"average\":")
        b.int(plan.insightAverage)
        b.raw(".0}")
        if let durationMinutes {
            b.raw(",\"insightDuration\":")
            b.int(durationMinutes)
        }
        b.raw(",\"baselineDuration\":")
        b.int(plan.baselineDuration)
        b.raw("},\"attributions\":[{\"attribute\":\"userIdentityArn\",\"insight\":[{\"value\":\"")
        arn(&b, .role(plan.callerSlot, plan.callerSession))
        b.raw("\",\"average\":")
        b.int(plan.insightAverage)
        b.raw(".0}],\"baseline\":[{\"value\":\"")
        arn(&b, .role(plan.callerSlot, plan.callerSession))
        b.raw("\",\"average\":")
        baselineNumber(&b, plan)
        b.raw("}]},{\"attribute\":\"errorCode\",\"insight\":[{\"value\":\"")
        b.raw(plan.errorRate ? "AccessDeniedException" : "null")
        b.raw("\",\"average\":")
        b.int(plan.insightAverage)
        b.raw(".0}],\"baseline\":[{\"value\":\"null\",\"average\":")
        baselineNumber(&b, plan)
        b.raw("}]}]}},\"eventCategory\":\"Insight\"}")
        return id
    }

    /// Exponent notation as CloudTrail prints small averages, e.g. `9.82222E-5`.
    private func baselineNumber(_ b: inout JSONBuffer, _ plan: InsightPlan) {
        b.int(plan.baselineMantissa / 100_000)
        b.byte(UInt8(ascii: "."))
        b.padded(plan.baselineMantissa % 100_000, width: 5)
        b.raw("E-")
        b.int(plan.baselineExponent)
    }
}
