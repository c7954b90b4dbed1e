.data.organisatie | {naam, afkorting, regio, website}
