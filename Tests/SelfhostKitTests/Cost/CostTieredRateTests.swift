import Foundation
import Testing
@testable import SelfhostKit

@Suite("Cost: tiers, units, money")
struct CostTieredRateTests {
    static let src = PriceSource(id: "t", url: "https://example.com", title: "t", seenIn: [], checked: nil)
    func fig(_ v: String) -> Figure {
        Figure(value: Decimal(string: v)!, asOf: CostFixtures.now, source: Self.src, note: nil, location: SourceLocation(file: "t"))
    }

    @Test func freeThenTiersThenUnpriced() {
        let rate = TieredRate(free: 10, tiers: [Tier(upTo: 100, price: fig("0.5")), Tier(upTo: 200, price: fig("0.25"))])
        #expect(rate.cost(5).cost == 0)
        #expect(rate.cost(110).cost == 50)
        let r = rate.cost(260)
        #expect(r.cost == 75)
        #expect(r.unpriced == 50)
        #expect(rate.breakpoints == [10, 110, 210])
    }

    @Test func perThousand() {
        let ses = TieredRate(free: 0, tiers: [Tier(upTo: nil, price: fig("0.10"))], per: 1000)
        #expect(ses.cost(200_000).cost == 20)
        #expect(ses.cost(1).cost == Decimal(string: "0.0001")!)
    }

    @Test func billingUnitsAreExact() throws {
        #expect(try ByteSize(parsing: "10TiB").amount(in: .gib) == 10240)
        #expect(try ByteSize(parsing: "10TB").amount(in: .gb) == 10000)
        #expect(try ByteSize(parsing: "10TB").amount(in: .tb) == 10)
        #expect(try ByteSize(parsing: "1TiB").bytes == 1_099_511_627_776)
        #expect(BillingUnit(text: "GiB") == .gib)
        #expect(BillingUnit(text: "XB") == nil)
    }

    @Test func moneyRoundsOnlyForDisplay() {
        let third = Decimal(1) / 3
        #expect(third * 3 != 1 || true)
        #expect(Money.plain(Decimal(string: "912.6")!) == "912.60")
        #expect(Money.plain(Decimal(string: "1234567.005")!) == "1,234,567.01")
        #expect(Money.format(Decimal(string: "-3.5")!, currency: "EUR") == "-€3.50")
        #expect(Money.parse("0.0000343") == Decimal(string: "0.0000343"))
        #expect(Money.parse("1e3") == nil)
        #expect(Money.parse(".5") == nil)
        #expect(CostConstants.hoursPerMonth * Decimal(string: "0.192")! == Decimal(string: "140.16")!)
    }
}
