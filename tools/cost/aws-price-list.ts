/**
 * The price refresh's client on the AWS SDK: the Price List Query API
 * (`@aws-sdk/client-pricing`, GetProducts, every page) and the Savings Plans
 * API (`@aws-sdk/client-savingsplans`, DescribeSavingsPlansOfferingRates).
 * Credentials come from the usual chain (a profile, or CI's OIDC role); the
 * caller needs pricing:GetProducts and savingsplans:DescribeSavingsPlansOfferingRates.
 * The SDKs load only when a refresh runs, so `npm run cost` stays fast.
 */
import type { PriceListClient, SavingsPlanRate } from './refresh-prices.ts';

/** The Price List Query API answers in us-east-1 (and ap-south-1); the Savings Plans API is global, served from us-east-1. */
const PRICE_LIST_ENDPOINT_REGION = 'us-east-1';

export async function awsPriceListClient(): Promise<PriceListClient> {
  const { PricingClient, GetProductsCommand } = await import('@aws-sdk/client-pricing');
  const { SavingsplansClient, DescribeSavingsPlansOfferingRatesCommand } = await import('@aws-sdk/client-savingsplans');
  const pricing = new PricingClient({ region: PRICE_LIST_ENDPOINT_REGION });
  const savingsPlans = new SavingsplansClient({ region: PRICE_LIST_ENDPOINT_REGION });
  return {
    async getProducts(serviceCode, filters) {
      const list: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await pricing.send(
          new GetProductsCommand({
            ServiceCode: serviceCode,
            FormatVersion: 'aws_v1',
            Filters: Object.entries(filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
            MaxResults: 100,
            NextToken: nextToken,
          }),
        );
        list.push(...(page.PriceList ?? []).map((entry: unknown) => (typeof entry === 'string' ? entry : JSON.stringify(entry))));
        nextToken = page.NextToken;
      } while (nextToken);
      return list;
    },
    async savingsPlanRates({ usageType, operation, region }) {
      const rates: SavingsPlanRate[] = [];
      let nextToken: string | undefined;
      do {
        const page = await savingsPlans.send(
          new DescribeSavingsPlansOfferingRatesCommand({
            savingsPlanTypes: ['Compute'],
            savingsPlanPaymentOptions: ['No Upfront'],
            products: ['EC2'],
            serviceCodes: ['AmazonEC2'],
            usageTypes: [usageType],
            operations: [operation],
            filters: [
              { name: 'region', values: [region] },
              { name: 'tenancy', values: ['shared'] },
              { name: 'productDescription', values: ['Linux/UNIX'] },
            ],
            nextToken,
          }),
        );
        for (const r of page.searchResults ?? []) {
          rates.push({
            rate: r.rate ?? '',
            unit: r.unit ?? '',
            usageType: r.usageType ?? '',
            operation: r.operation ?? '',
            savingsPlanOffering: {
              offeringId: r.savingsPlanOffering?.offeringId ?? '',
              paymentOption: r.savingsPlanOffering?.paymentOption ?? '',
              planType: r.savingsPlanOffering?.planType ?? '',
              durationSeconds: r.savingsPlanOffering?.durationSeconds ?? 0,
              currency: r.savingsPlanOffering?.currency ?? '',
            },
          });
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return rates;
    },
  };
}
