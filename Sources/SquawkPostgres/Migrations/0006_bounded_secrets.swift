/// Migration `0006_bounded_secrets`: rotation used to keep every older secret valid for ever;
/// now a subscription has at most ``SquawkStore/SigningSecret/maxLive`` secrets. This trims what
/// earlier versions stored to the current secret and the newest rotated-out ones.
enum PostgresMigration0006BoundedSecrets {
    static let name = "0006_bounded_secrets"

    static let statements = [
        """
        DELETE FROM subscription_secrets WHERE (subscription_id, secret) IN (
          SELECT subscription_id, secret FROM (
            SELECT subscription_id, secret, row_number() OVER (
              PARTITION BY subscription_id ORDER BY (expires_at IS NULL) DESC, created_at DESC) AS n
            FROM subscription_secrets) ranked
          WHERE n > 3)
        """,
    ]
}
