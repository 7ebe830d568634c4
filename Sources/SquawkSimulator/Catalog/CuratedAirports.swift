import SquawkCore

// MARK: - CuratedAirports

/// About 373 busy real airports (ICAO codes checked against the bundled data file). Random
/// flights spawn at and fly between these; random ATC opens at the ``hubs``, which also draw
/// more traffic (see ``weight(_:)``).
enum CuratedAirports {
    static let icaos: [String] = [
        "KATL", "KLAX", "KORD", "KDFW", "KDEN", "KJFK", "KSFO", "KSEA", "KLAS", "KMCO", "KEWR", "KCLT", "KPHX", "KIAH",
        "KMIA", "KBOS", "KMSP", "KFLL", "KDTW", "KPHL", "KLGA", "KBWI", "KSLC", "KSAN", "KIAD", "KDCA", "KMDW", "KTPA",
        "KPDX", "KSTL", "KBNA", "KAUS", "KHOU", "KOAK", "KMSY", "KRDU", "KSJC", "KSMF", "KSNA", "KDAL", "KSAT", "KRSW",
        "KPIT", "KCLE", "KIND", "KCMH", "KMCI", "KCVG", "KBDL", "KJAX", "KABQ", "KBUR", "KONT", "KOMA", "KMEM", "KBUF",
        "KRNO", "KBOI", "KTUS", "KOKC", "KSDF", "KRIC", "KORF", "KELP", "KCHS", "KGRR", "KSAV", "KMKE", "KPVD", "KALB",
        "KSYR", "KTUL", "KDSM", "KLIT", "KBHM", "KPSP", "KEGE", "KASE", "KJAC", "KBZN", "KMRY", "KSBA", "KPWM", "KBTV",
        "KMHT", "KGSO", "KTLH", "KPNS", "KVPS", "KMYR", "KHPN", "KISP", "KTEB", "KVNY", "KSFB", "KPIE", "CYYZ", "CYVR",
        "CYUL", "CYYC", "CYEG", "CYOW", "CYWG", "CYHZ", "CYQB", "CYYJ", "PANC", "PHNL", "PHOG", "PHKO", "PHLI", "TJSJ",
        "TNCM", "TFFR", "TBPB", "MKJS", "MMMX", "MMUN", "MMGL", "MMMY", "MMPR", "MMSD", "MMTJ", "MROC", "MPTO", "MDPC",
        "MUHA", "MYNN", "SBGR", "SBSP", "SBGL", "SBRJ", "SBBR", "SBKP", "SBCF", "SBPA", "SBSV", "SBRF", "SCEL", "SAEZ",
        "SABE", "SKBO", "SKRG", "SPJC", "SEQM", "SVMI", "SUMU", "EGLL", "EGKK", "EGSS", "EGCC", "EGBB", "EGPH", "EGPF",
        "EGGW", "EGLC", "EGNX", "EGGD", "EGPD", "EGAA", "EIDW", "EHAM", "EBBR", "LFPG", "LFPO", "LFMN", "LFLL", "LFML",
        "LFBO", "LFBD", "LFSB", "EDDF", "EDDM", "EDDB", "EDDH", "EDDL", "EDDK", "EDDS", "EDDP", "EDDN", "EDDV", "LSZH",
        "LSGG", "LOWW", "LOWI", "LIRF", "LIMC", "LIME", "LIPZ", "LIRN", "LICC", "LICJ", "LEMD", "LEBL", "LEPA", "LEMG",
        "LEAL", "LEVC", "LEBB", "LPPT", "LPPR", "LPFR", "GCLP", "GCTS", "GCRR", "GCFV", "EKCH", "ESSA", "ENGM", "EFHK",
        "BIKF", "EPWA", "EPKK", "LKPR", "LHBP", "LROP", "LBSF", "LGAV", "LGTS", "LGIR", "LTFM", "LTAI", "LTFJ", "LTBJ",
        "LCLK", "LLBG", "OJAI", "OMDB", "OMAA", "OMDW", "OTHH", "OBBI", "OKKK", "OERK", "OEJN", "OEDF", "OOMS", "HECA",
        "HAAB", "HKJK", "FAOR", "FACT", "FALE", "DNMM", "DNAA", "GMMN", "GOBD", "DTTA", "DAAG", "UUEE", "UUDD", "UUWW",
        "ULLI", "URSS", "USSS", "UAAA", "UBBB", "UGTB", "UDYZ", "OIIE", "OPKC", "OPLA", "VIDP", "VABB", "VOBL", "VOMM",
        "VECC", "VOHS", "VCBI", "VRMM", "VNKT", "VGHS", "VTBS", "VTBD", "VTSP", "VTCC", "VLVT", "VVTS", "VVNB", "VYYY",
        "WSSS", "WMKK", "WMKP", "WIII", "WADD", "WARR", "RPLL", "RPVM", "VHHH", "VMMC", "RCTP", "RCKH", "ZBAA", "ZBAD",
        "ZSPD", "ZSSS", "ZGGG", "ZGSZ", "ZUUU", "ZUCK", "ZPPP", "ZSHC", "ZSAM", "ZLXY", "ZHHH", "ZSNJ", "RKSI", "RKSS",
        "RKPC", "RKPK", "RJTT", "RJAA", "RJBB", "RJOO", "RJCC", "RJFF", "RJGG", "ROAH", "RJSS", "YSSY", "YMML", "YBBN",
        "YPPH", "YPAD", "YBCS", "YBCG", "YSCB", "NZAA", "NZWN", "NZCH", "NZQN", "NFFN", "NTAA", "PGUM", "NSTU", "PKMJ",
        "YPDN", "YMHB", "FIMP", "FMEE", "FSIA", "HTDA", "HUEN", "HRYR", "FQMA", "FVHA", "FLKK", "FBSK", "FYWH", "EGJJ",
        "EGJB", "LMML", "LDZA", "LDSP", "LDDU", "LYBE", "LQSA", "LWSK", "LATI", "LUKK", "EVRA", "EYVI", "EETN", "LZIB",
        "EDLW", "EDDW", "EDDG", "LFRS", "LFRN", "LFQQ", "LFMP", "EGHI", "EGMC",
    ]

    /// Hubs around the world where random ATC opens; they also draw three times the traffic.
    static let hubs: Set<String> = [
        "KLAX", "KJFK", "KATL", "KORD", "KSFO", "KSEA", "KDFW", "KMIA", "KBOS", "KLAS", "KDEN", "KPHX", "KMCO", "KIAD",
        "KEWR", "KSAN", "KPDX", "KMSP", "KDTW", "KSLC", "CYYZ", "CYVR", "CYUL", "PHNL", "PANC", "TNCM", "TJSJ", "MMMX",
        "MMUN", "SBGR", "SCEL", "SAEZ", "SKBO", "EGLL", "EGKK", "EGCC", "EGPH", "EIDW", "EHAM", "EBBR", "LFPG", "LFMN",
        "EDDF", "EDDM", "EDDB", "LSZH", "LOWW", "LIRF", "LEMD", "LEBL", "LEPA", "LPPT", "EKCH", "ESSA", "ENGM", "EFHK",
        "BIKF", "EPWA", "LKPR", "LGAV", "LTFM", "LLBG", "OMDB", "OTHH", "OERK", "HECA", "FAOR", "HKJK", "VIDP", "VABB",
        "VTBS", "WSSS", "WMKK", "WIII", "RPLL", "VHHH", "RCTP", "ZBAA", "ZSPD", "ZGGG", "RKSI", "RJTT", "RJAA", "RJBB",
        "YSSY", "YMML", "YBBN", "YPPH", "NZAA", "NZQN",
    ]

    /// Relative traffic weight of an airport.
    static func weight(_ icao: String) -> Double { hubs.contains(icao) ? 3 : 1 }

    /// The curated airports present in `index`, in list order.
    static func resolve(in index: AirportIndex) -> [Airport] {
        icaos.compactMap { index[$0] }
    }
}
