/// FLS (gliding-club flight log) client and its mapping to Squawk events. Filled by the FLS issue.
public enum SquawkFLS {}
