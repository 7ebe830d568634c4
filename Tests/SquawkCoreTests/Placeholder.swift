@testable import SquawkCore
