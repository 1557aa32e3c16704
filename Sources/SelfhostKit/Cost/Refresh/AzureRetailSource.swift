import Foundation

/// Azure's Retail Prices API (public, no account): `GET /api/retail/prices` with an OData
/// `$filter`, paged by `NextPageLink` (learn.microsoft.com/rest/api/cost-management/retail-prices/
/// azure-retail-prices). It has no vCPU or memory figures, so it re-prices the VM sizes the shipped
/// file lists (`plans:` ids such as `D4s_v5` → `armSkuName` `Standard_D4s_v5`) at the file's region,
/// Linux pay-as-you-go (`type` Consumption; Windows, Spot and Low Priority meters left out), hourly.
struct AzureRetailSource: PriceAPI {
    var base: String
    let provider = "azure"
    let title = "Azure Retail Prices API: GET /api/retail/prices (public)"
    static let region = "eastus"
    var url: String { base + "/api/retail/prices" }

    func note(day: String) -> String {
        "VM prices refreshed from Azure's Retail Prices API on \(day) (selfhost cost --refresh): Linux, pay as you go, \(Self.region), hourly (cost counts 730 hours a month)."
    }

    func query(skus: [String]) -> String {
        let any = skus.map { "armSkuName eq 'Standard_\($0)'" }.joined(separator: " or ")
        let filter = "serviceName eq 'Virtual Machines' and armRegionName eq '\(Self.region)' and priceType eq 'Consumption' and (\(any))"
        return url + "?$filter=" + (filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter)
    }

    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan] {
        let skus = shipped.plans.map(\.id)
        guard !skus.isEmpty else { throw RefreshError("the shipped azure.yaml lists no VM size to re-price") }
        let pages = try paged(first: query(skus: skus), get: get) { $0["NextPageLink"] as? String }
        var hourly: [String: Decimal] = [:]
        for page in pages {
            guard let items = page["Items"] as? [[String: Any]] else { throw RefreshError("the answer has no 'Items' list") }
            for item in items {
                guard let arm = item["armSkuName"] as? String, arm.hasPrefix("Standard_"),
                      (item["type"] as? String) == "Consumption", (item["unitOfMeasure"] as? String) == "1 Hour",
                      (item["currencyCode"] as? String) == "USD" else { continue }
                let product = (item["productName"] as? String) ?? "", sku = (item["skuName"] as? String) ?? ""
                if product.contains("Windows") || sku.contains("Spot") || sku.contains("Low Priority") { continue }
                guard let price = RefreshJSON.decimal(item["retailPrice"]), price > 0 else { continue }
                let id = String(arm.dropFirst("Standard_".count))
                // Several meters per size (regions' primary meter, reservations…): the lowest pay-as-you-go one.
                hourly[id] = min(hourly[id] ?? price, price)
            }
        }
        let missing = skus.filter { hourly[$0] == nil }
        guard missing.isEmpty else { throw RefreshError("partial answer: no Linux pay-as-you-go price for \(missing.joined(separator: ", "))") }
        return shipped.plans.map { p in
            RefreshedPlan(id: p.id, label: p.name, vcpus: p.vcpu, ram: p.ram, ramUnit: p.ramUnit, diskGB: p.diskGB,
                          includedTB: nil, price: .hourly(hourly[p.id]!))
        }
    }
}
