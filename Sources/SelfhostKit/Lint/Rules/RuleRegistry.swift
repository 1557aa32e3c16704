/// Every rule, in the order `--list-rules` shows them.
public enum RuleRegistry {
    static let rules: [any LintRule] = [
        UnreadableRule(),
        // compose
        ComposeSyntaxRule(), ComposeSchemaRule(), ComposeTypeRule(), UndefinedReferenceRule(), DependencyCycleRule(),
        ImageTagRule(), PrivilegedRule(), DockerSocketRule(), HostNamespaceRule(), CapabilityRule(), HostDeviceRule(), UnconfinedRule(), NoNewPrivilegesRule(),
        PublishedInternalRule(), UnboundPortRule(), DuplicateHostPortRule(), DuplicateContainerNameRule(),
        HealthyWithoutHealthcheckRule(), RestartPolicyRule(), RestartValueRule(), LogRotationRule(), MemoryLimitRule(), InlineSecretRule(),
        SensitiveMountRule(), UndefinedVariableRule(),
        // Docker Swarm stack files
        SwarmPlacementRule(), SwarmUnpinnedVolumeRule(), SwarmReplicatedVolumeRule(),
        FirstStartInstallerRule(), DefaultCredentialsRule(), OpenSignupRule(),
        // Caddyfile
        CaddySyntaxRule(), UnknownDirectiveRule(), DuplicateSiteRule(), EmptyAddressRule(), UndefinedEnvRule(),
        UpstreamServiceRule(), UpstreamPortRule(), UpstreamNetworkRule(), FirstStartUnguardedRule(),
        // systemd
        SystemdSyntaxRule(), UnknownSectionRule(), UnknownKeyRule(), BadValueRule(), OneshotRestartRule(),
        WorkingDirectoryRule(), DoubleSupervisionRule(), HardeningRule(), TimerTargetRule(),
        // .env
        EnvSyntaxRule(), DuplicateKeyRule(), UnquotedSpaceRule(), EnvPermissionsRule(),
        // own apps' files
        OwnAppFileRule(),
    ]

    /// Metadata of every rule, including the external validators' pseudo-rules.
    public static var infos: [RuleInfo] { rules.map(\.info) + ExternalRules.all }

    public static func info(_ id: String) -> RuleInfo? { infos.first { $0.id == id } }
}
