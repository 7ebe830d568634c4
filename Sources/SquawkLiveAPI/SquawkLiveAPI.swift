public enum SquawkLiveAPI {}
