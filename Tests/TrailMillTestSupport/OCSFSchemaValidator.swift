import Foundation

/// A small OCSF event validator over the compiled OCSF 1.1.0 schema (`../shared/vectors/ocsf/compiled-1.1.0.json`,
/// made by `ocsf-lib` 0.10.4 from the source beside it), written for the tests (the OCSF encoder's and the CLI's).
///
/// Checks, recursively through objects and arrays:
/// - the class (`class_uid`) exists, `category_uid` is its category's, `type_uid` = `class_uid * 100 + activity_id`;
/// - every attribute exists in its class or object, and an attribute that belongs to a profile appears only when
///   that profile is listed in `metadata.profiles` (which must be profiles of the class);
/// - every `required` attribute is present (a profile's required attributes only with that profile);
/// - types: integer (`integer_t`, integral), long (`long_t`, `timestamp_t`), float, string (`string_t` and its
///   subtypes, with their `max_len`, `regex` and `range`), boolean, JSON (any value), objects (validated against
///   their definition), `object` (any JSON object), arrays (`is_array`) of any of these;
/// - enum values are listed, and an enum's sibling caption (`activity_name`, `status`, `type_name`, …) matches
///   the enum's caption unless the value is 99 Other;
/// - `at_least_one` / `just_one` constraints of classes and objects.
///
/// Two known losses of the compiler are corrected from the schema source in the same folder, where the OCSF
/// server honours them: (1) an object's own `constraints` replace the `name`/`uid` constraint the compiler copies
/// from `_entity` to every entity (the compiled `network_endpoint` would reject `{"ip": …}`, the form of the
/// OCSF project's own CloudTrail examples); (2) a class that sets `"profile": null` on an attribute takes it out of
/// its profile (Authentication and Account Change define `actor` without the `host` profile; API Activity's `api`
/// is not the `cloud` profile's).
public struct OCSFSchemaValidator {
    let classes: [Int: [String: Any]]
    let objects: [String: [String: Any]]
    let types: [String: [String: Any]]
    let profiles: Set<String>
    let categoryUIDs: [String: Int]
    /// Objects whose source defines `constraints` (possibly none).
    let sourceConstraints: [String: [String: Any]]
    /// Class name → attributes its source (or an ancestor's) takes out of their profile.
    let profileOverrides: [String: Set<String>]

    private var regexCache: [String: NSRegularExpression] = [:]

    /// The schema folder does not hold what the validator needs.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads `compiled-1.1.0.json` and the `schema-1.1.0` source from `folder` (`../shared/vectors/ocsf`).
    public init(folder: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/compiled-1.1.0.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let classList = root["classes"] as? [String: [String: Any]],
            let objects = root["objects"] as? [String: [String: Any]],
            let types = root["types"] as? [String: [String: Any]],
            let profiles = root["profiles"] as? [String: Any],
            let categories = root["categories"] as? [String: [String: Any]]
        else { throw LoadError(description: "compiled-1.1.0.json is not the compiled OCSF schema") }
        var classes: [Int: [String: Any]] = [:]
        for (_, definition) in classList { if let uid = definition["uid"] as? Int { classes[uid] = definition } }
        self.classes = classes
        self.objects = objects
        self.types = types
        self.profiles = Set(profiles.keys)
        var categoryUIDs: [String: Int] = [:]
        for (name, category) in categories { categoryUIDs[name] = category["uid"] as? Int }
        self.categoryUIDs = categoryUIDs

        // Corrections from the source.
        let source = folder + "/schema-1.1.0"
        var constraints: [String: [String: Any]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: source + "/objects") where file.hasSuffix(".json") {
            let object = try Self.json(source + "/objects/" + file)
            if let name = object["name"] as? String, let own = object["constraints"] as? [String: Any] { constraints[name] = own }
        }
        sourceConstraints = constraints
        var events: [String: [String: Any]] = [:]
        for case let file as String in FileManager.default.enumerator(atPath: source + "/events")! where file.hasSuffix(".json") {
            let event = try Self.json(source + "/events/" + file)
            if let name = event["name"] as? String { events[name] = event }
        }
        var overrides: [String: Set<String>] = [:]
        for (name, _) in events {
            var nulled: Set<String> = []
            var current: String? = name
            while let className = current, let event = events[className] {
                for (attribute, spec) in event["attributes"] as? [String: Any] ?? [:] {
                    if let spec = spec as? [String: Any], spec.keys.contains("profile"), spec["profile"] is NSNull {
                        nulled.insert(attribute)
                    }
                }
                current = event["extends"] as? String
            }
            overrides[name] = nulled
        }
        profileOverrides = overrides
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "\(path) is not a JSON object")
        }
        return object
    }

    // MARK: Events

    /// Every problem found in `event` (empty when it is valid).
    public mutating func validate(_ event: [String: Any]) -> [String] {
        var problems: [String] = []
        guard let classUID = Self.integer(event["class_uid"]), let definition = classes[classUID] else {
            return ["class_uid \(String(describing: event["class_uid"])) is not an OCSF 1.1.0 class"]
        }
        let className = definition["name"] as? String ?? "?"
        let metadata = event["metadata"] as? [String: Any]
        let declared = Set(metadata?["profiles"] as? [String] ?? [])
        let classProfiles = Set(definition["profiles"] as? [String] ?? [])
        for profile in declared.subtracting(classProfiles) {
            problems.append("metadata.profiles: \(profile) is not a profile of \(className)")
        }
        if let category = definition["category"] as? String, let uid = categoryUIDs[category],
            Self.integer(event["category_uid"]) != uid
        {
            problems.append("category_uid \(String(describing: event["category_uid"])) is not \(className)'s category \(uid)")
        }
        if let activity = Self.integer(event["activity_id"]), let typeUID = Self.integer(event["type_uid"]),
            typeUID != classUID * 100 + activity
        {
            problems.append("type_uid \(typeUID) != class_uid \(classUID) * 100 + activity_id \(activity)")
        }
        let attributes = definition["attributes"] as? [String: [String: Any]] ?? [:]
        checkMembers(
            event, attributes: attributes, constraints: definition["constraints"] as? [String: Any],
            profiles: declared, exempt: profileOverrides[className] ?? [], path: className, into: &problems)
        return problems
    }

    // MARK: Members

    mutating func checkMembers(
        _ value: [String: Any], attributes: [String: [String: Any]], constraints: [String: Any]?, profiles: Set<String>,
        exempt: Set<String> = [], path: String, into problems: inout [String]
    ) {
        func applies(_ name: String, _ attribute: [String: Any]) -> Bool {
            guard let profile = attribute["profile"] as? String, !exempt.contains(name) else { return true }
            return profiles.contains(profile)
        }
        for (name, member) in value {
            guard let attribute = attributes[name] else {
                problems.append("\(path).\(name): not an attribute of \(path.split(separator: ".").last ?? "")")
                continue
            }
            if !applies(name, attribute) {
                problems.append("\(path).\(name): belongs to profile \(attribute["profile"] ?? "") not in metadata.profiles")
            }
            check(member, attribute, profiles: profiles, path: path + "." + name, into: &problems)
            // The enum's caption must agree with its sibling, unless the value is Other.
            if let enumeration = attribute["enum"] as? [String: [String: Any]], let sibling = attribute["sibling"] as? String,
                let id = Self.integer(member), id != 99, let text = value[sibling] as? String,
                let caption = enumeration[String(id)]?["caption"] as? String, text != caption
            {
                problems.append("\(path).\(sibling) \"\(text)\" is not the caption \"\(caption)\" of \(name) \(id)")
            }
        }
        for (name, attribute) in attributes where attribute["requirement"] as? String == "required" && applies(name, attribute) {
            if value[name] == nil { problems.append("\(path).\(name): required, missing") }
        }
        if let atLeastOne = constraints?["at_least_one"] as? [String], !atLeastOne.contains(where: { value[$0] != nil }) {
            problems.append("\(path): needs at least one of \(atLeastOne)")
        }
        if let justOne = constraints?["just_one"] as? [String], justOne.filter({ value[$0] != nil }).count != 1 {
            problems.append("\(path): needs exactly one of \(justOne)")
        }
    }

    mutating func check(_ value: Any, _ attribute: [String: Any], profiles: Set<String>, path: String, into problems: inout [String]) {
        if attribute["is_array"] as? Bool == true {
            guard let elements = value as? [Any] else {
                problems.append("\(path): should be an array")
                return
            }
            for (k, element) in elements.enumerated() {
                checkValue(element, attribute, profiles: profiles, path: "\(path)[\(k)]", into: &problems)
            }
        } else {
            checkValue(value, attribute, profiles: profiles, path: path, into: &problems)
        }
    }

    mutating func checkValue(_ value: Any, _ attribute: [String: Any], profiles: Set<String>, path: String, into problems: inout [String]) {
        let type = attribute["type"] as? String ?? "?"
        if let enumeration = attribute["enum"] as? [String: Any], let id = Self.integer(value), enumeration[String(id)] == nil {
            problems.append("\(path): \(id) is not one of \(enumeration.keys.sorted())")
        }
        if type == "object" {
            if !(value is [String: Any]) { problems.append("\(path): should be an object") }
            return
        }
        if let object = objects[type] {
            guard let members = value as? [String: Any] else {
                problems.append("\(path): should be a \(type) object")
                return
            }
            let constraints = sourceConstraints[type] ?? object["constraints"] as? [String: Any]
            checkMembers(
                members, attributes: object["attributes"] as? [String: [String: Any]] ?? [:], constraints: constraints,
                profiles: profiles, path: path, into: &problems)
            return
        }
        checkScalar(value, type: type, path: path, into: &problems)
    }

    /// A value of a scalar type: its base type first, then the type's own limits.
    mutating func checkScalar(_ value: Any, type: String, path: String, into problems: inout [String]) {
        guard let definition = types[type] else {
            problems.append("\(path): unknown type \(type)")
            return
        }
        if let base = definition["type"] as? String { checkScalar(value, type: base, path: path, into: &problems) }
        switch type {
        case "integer_t", "long_t":
            if Self.integer(value) == nil { problems.append("\(path): should be an integer (\(type)), is \(value)") }
        case "float_t":
            if !(value is NSNumber) || Self.isBoolean(value) { problems.append("\(path): should be a number") }
        case "boolean_t":
            if !Self.isBoolean(value) { problems.append("\(path): should be a boolean, is \(value)") }
        case "string_t":
            if !(value is String) { problems.append("\(path): should be a string, is \(value)") }
        case "json_t":
            break
        default:
            break
        }
        if let text = value as? String {
            if let maximum = definition["max_len"] as? Int, text.unicodeScalars.count > maximum {
                problems.append("\(path): longer than \(type)'s max_len \(maximum)")
            }
            if let pattern = definition["regex"] as? String, !matches(text, pattern) {
                problems.append("\(path): \"\(text.prefix(80))\" does not match \(type)'s pattern")
            }
        }
        if let range = definition["range"] as? [Int], range.count == 2, let number = Self.integer(value),
            number < range[0] || number > range[1]
        {
            problems.append("\(path): \(number) is outside \(range)")
        }
    }

    mutating func matches(_ text: String, _ pattern: String) -> Bool {
        if regexCache[pattern] == nil { regexCache[pattern] = try? NSRegularExpression(pattern: pattern) }
        guard let regex = regexCache[pattern] else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    // MARK: Values

    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return FoundationJSON.isBoolean(number)
    }

    /// An integral JSON number (not a boolean), as Int.
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, !FoundationJSON.isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.3e18 else { return nil }
        return number.intValue
    }
}
